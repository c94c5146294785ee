import type { StageId } from '../../../../server/wizard/stages'
import { stageIds } from '../../../../server/wizard/stages'
import { EventPage } from '../../event-page'
import type { StageFieldsProps } from '../stage-fields'
import { stageTitles } from '../stage-titles'

/** What still blocks publishing (each item leads to its stage), then the confirmation. */
export function ReviewPanel({ form, state, preview }: StageFieldsProps) {
  const blockers = stageIds
    .filter((stage): stage is StageId => stage !== 'reviewPublish' && state.issues[stage].length > 0)
    .map((stage) => ({ stage, issues: state.issues[stage] }))
  return (
    <div className="stack">
      {blockers.length > 0 ? (
        <section className="blockers" aria-labelledby="blockers-title">
          <h2 id="blockers-title">Before you can publish</h2>
          <ul>
            {blockers.map(({ stage, issues }) => (
              <li key={stage}>
                <button type="submit" form={form.id} name="intent" value={`goto:${stage}`} className="link-button" formNoValidate>
                  {stageTitles[stage].title}
                </button>
                <ul>
                  {issues.map((issue) => (
                    <li key={`${issue.path}:${issue.message}`}>{issue.message}</li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </section>
      ) : (
        <p className="notice">Everything is ready. Publishing makes the event page public.</p>
      )}
      {preview ? (
        <section className="preview" aria-labelledby="preview-title">
          <h2 id="preview-title">As the public will see it</h2>
          <div className="preview__frame">
            <EventPage event={preview} headingLevel={2} />
          </div>
        </section>
      ) : null}
      <div className="field field--checkbox">
        <input type="checkbox" id="confirm-publish" name="confirm" value="yes" required disabled={blockers.length > 0} />
        <label htmlFor="confirm-publish">I want this event to go public now.</label>
      </div>
      <div className="actions">
        <button type="submit" name="intent" value="publish" className="button button--primary" disabled={blockers.length > 0}>
          Publish event
        </button>
      </div>
    </div>
  )
}
