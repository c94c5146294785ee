import { type ReactHumanInTheLoop, useHumanInTheLoop } from '@copilotkit/react-core/v2/headless'
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client'
import { type ComponentProps, useCallback, useMemo, useState } from 'react'
import superjson from 'superjson'
import { type SuggestingStage, suggestionToolNames } from '../../../server/copilot/tool-names'
import { suggestedValues, suggestionJsonSchema, unchecked } from '../../../server/copilot/tool-schemas'
import type { FieldIssue } from '../../../server/errors'
import type { AppRouter } from '../../../server/trpc/root'
import type { StageId } from '../../../server/wizard/stages'
import { formatPrice } from '../../lib/event-presentation'

const suggestingStages = Object.keys(suggestionToolNames) as SuggestingStage[]

const descriptions: Record<SuggestingStage, string> = {
  eventSetup:
    'Suggest a title and/or a description for the event, from what the organizer said and the earlier stages. The organizer sees a card marked as your suggestion; nothing is saved unless they click "Use this". The answer says whether they used it, what was saved and what the stage still needs.',
  ticketSetup:
    'Suggest the ticket tiers: the whole list as it would be saved (it replaces the stored one), each with a name, a price in the smallest currency unit (EUR 25 is 2500; 0 is free) and the currency, keeping the quantities and tiers the organizer already gave. The organizer sees a card marked as your suggestion; nothing is saved unless they click "Use this". The answer says whether they used it, what was saved and what the stage still needs.',
}

/** The wizard's typed API as the forms' procedures answer it, signed in by the page's own cookie. */
const api = createTRPCClient<AppRouter>({ links: [httpLink({ url: '/api/trpc', transformer: superjson })] })

type Issue = { field: string; message: string }

/** What the model is told of the organizer's choice. */
type SuggestionAnswer =
  | { ok: true; used: true; saved: SuggestingStage; values: Record<string, unknown>; stillOpen: Issue[] }
  | { ok: false; used: true; error: string; issues?: Issue[] }
  | { used: false }

const issuesOf = (issues: FieldIssue[]): Issue[] => issues.map((issue) => ({ field: issue.path, message: issue.message }))

/**
 * "Use this": a draft merge of just the suggested fields into their stage, through the same procedure
 * the forms' autosave calls, so the same checks apply and what is still missing comes back.
 */
async function saveSuggestion(sessionId: string, stage: SuggestingStage, values: Record<string, unknown>): Promise<SuggestionAnswer> {
  try {
    const state = await api.wizard.merge.mutate({ sessionId, stage, data: values, validate: 'draft' })
    return { ok: true, used: true, saved: stage, values, stillOpen: issuesOf(state.issues[stage]) }
  } catch (error) {
    // A refusal has the server's words (and issues by field); a lost connection has none.
    if (error instanceof TRPCClientError && error.shape) {
      const issues = (error.data as { issues?: FieldIssue[] | null } | undefined)?.issues
      return { ok: false, used: true, error: `${error.message} Nothing was saved.`, ...(issues ? { issues: issuesOf(issues) } : {}) }
    }
    return { ok: false, used: true, error: 'The suggestion could not be saved: the connection failed. Nothing was saved.' }
  }
}

/**
 * The suggestion tools of every stage that has one, offered to the model at the current stage only.
 * All stay registered so that earlier stages' cards still show in the conversation.
 */
export function SuggestionCards({ sessionId, stage }: { sessionId: string; stage: StageId }) {
  return (
    <>
      {suggestingStages.map((suggesting) => (
        <SuggestionTool key={suggesting} sessionId={sessionId} stage={suggesting} offered={suggesting === stage} />
      ))}
    </>
  )
}

type CardProps = ComponentProps<ReactHumanInTheLoop['render']>

function SuggestionTool({ sessionId, stage, offered }: { sessionId: string; stage: SuggestingStage; offered: boolean }) {
  const parameters = useMemo(() => unchecked(suggestionJsonSchema(stage)) as ReactHumanInTheLoop['parameters'], [stage])
  const render = useCallback((props: CardProps) => <SuggestionCard {...props} sessionId={sessionId} stage={stage} />, [sessionId, stage])
  useHumanInTheLoop({ name: suggestionToolNames[stage], description: descriptions[stage], parameters, available: offered, render })
  return null
}

/**
 * A suggestion as the organizer sees it: marked as the assistant's, with exactly the values "Use this"
 * would save. Dismiss saves nothing.
 */
function SuggestionCard({ sessionId, stage, args, respond, result }: CardProps & { sessionId: string; stage: SuggestingStage }) {
  const [saving, setSaving] = useState(false)
  const values = suggestedValues(stage, args)
  return (
    <div className="copilotCard copilotCard--suggestion" role="group" aria-label="Suggested by the assistant">
      <p className="copilotCard__label">Suggested by the assistant</p>
      {stage === 'eventSetup' ? <EventValues values={values} /> : <TierValues values={values} />}
      {result === undefined ? (
        <>
          <p className="copilotCard__note">Nothing is saved until you click “Use this”.</p>
          <div className="actions">
            <button
              type="button"
              className="button button--primary"
              disabled={!respond || saving}
              onClick={async () => {
                setSaving(true)
                await respond?.(await saveSuggestion(sessionId, stage, values))
              }}
            >
              {saving ? 'Saving…' : 'Use this'}
            </button>
            <button type="button" className="button" disabled={!respond || saving} onClick={() => respond?.({ used: false } satisfies SuggestionAnswer)}>
              Dismiss
            </button>
          </div>
        </>
      ) : (
        <p className="copilotCard__note" role="status">
          {outcomeOf(result)}
        </p>
      )}
    </div>
  )
}

/** What came of a card, from its answer; anything but this card's own answer saved nothing. */
function outcomeOf(result: string): string {
  let answer: { used?: boolean; ok?: boolean; error?: string } | null
  try {
    answer = JSON.parse(result) as typeof answer
  } catch {
    return 'Nothing was saved.'
  }
  if (!answer?.used) return 'Dismissed: nothing was saved.'
  return answer.ok ? 'Used: saved to the form.' : `Not saved: ${answer.error ?? 'the suggestion was refused.'}`
}

const text = (value: unknown) => (typeof value === 'string' ? value : '')

function EventValues({ values }: { values: Record<string, unknown> }) {
  return (
    <dl className="copilotCard__values">
      {values.title === undefined ? null : (
        <>
          <dt>Title</dt>
          <dd>{text(values.title)}</dd>
        </>
      )}
      {values.description === undefined ? null : (
        <>
          <dt>Description</dt>
          <dd>{text(values.description)}</dd>
        </>
      )}
    </dl>
  )
}

function TierValues({ values }: { values: Record<string, unknown> }) {
  const tiers = Array.isArray(values.tiers) ? (values.tiers as Record<string, unknown>[]) : []
  return (
    <ul className="copilotCard__values">
      {tiers.map((tier, index) => (
        // Tiers are shown as the model streams them: the index is their only identity.
        <li key={index}>
          <strong>{text(tier?.name) || 'Unnamed tier'}</strong>
          {' · '}
          {typeof tier?.price === 'number' && typeof tier.currency === 'string' ? formatPrice(tier.price, tier.currency, navigator.language) : 'no price'}
          {typeof tier?.quantity === 'number' ? ` · ${tier.quantity} tickets` : ''}
        </li>
      ))}
    </ul>
  )
}
