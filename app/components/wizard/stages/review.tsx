import { useEffect, useRef } from 'react'
import type { StageId } from '../../../../server/wizard/stages'
import { stageIds } from '../../../../server/wizard/stages'
import { EventPage } from '../../event-page'
import { ErrorList } from '../../forms'
import type { StageFieldsProps } from '../stage-fields'
import { stageTitles } from '../stage-titles'

/** What still blocks publishing (each item leads to its stage), then the confirmation. */
export function ReviewPanel({ form, fields, state, preview }: StageFieldsProps) {
  const confirm = fields.confirm
  const checkbox = useRef<HTMLInputElement>(null)
  // The refusal stands beside the checkbox, and the organizer is taken there (the page may be long).
  const refused = (confirm.errors?.length ?? 0) > 0
  useEffect(() => {
    if (refused) checkbox.current?.focus()
  }, [refused, confirm.errors])
  // An edit session changes its live event in place rather than making a new one public.
  const editing = state.editsEventId !== null
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
        <p className="notice">
          {editing
            ? 'Everything is ready. Publishing the changes updates the live event page; if the date, time or place changed, every confirmed attendee is e-mailed.'
            : 'Everything is ready. Publishing makes the event page public.'}
        </p>
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
        <input
          ref={checkbox}
          type="checkbox"
          id={confirm.id}
          name={confirm.name}
          value="yes"
          required
          disabled={blockers.length > 0}
          autoFocus={refused}
          aria-invalid={refused || undefined}
          aria-describedby={refused ? confirm.errorId : undefined}
        />
        <label htmlFor={confirm.id}>{editing ? 'I want these changes to go live now.' : 'I want this event to go public now.'}</label>
        <ErrorList id={confirm.errorId} errors={confirm.errors} />
      </div>
      <div className="actions publish-actions">
        <button type="submit" name="intent" value="publish" className="button button--primary" disabled={blockers.length > 0}>
          {editing ? 'Publish changes' : 'Publish event'}
        </button>
      </div>
    </div>
  )
}
