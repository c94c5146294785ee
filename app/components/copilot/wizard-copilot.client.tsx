import { CopilotKit, useCopilotAction, useCopilotReadable } from '@copilotkit/react-core'
import { useAgent, useCopilotKit } from '@copilotkit/react-core/v2/headless'
import { CopilotSidebar } from '@copilotkit/react-ui'
import '@copilotkit/react-ui/styles.css'
import { useFetcher } from '@remix-run/react'
import { useEffect, useMemo, useRef } from 'react'
import { CONFIRM_PUBLISH_TOOL, SAVE_DRAFT_TOOL, stageToolNames, suggestionToolNames } from '../../../server/copilot/tool-names'
import type { StageId } from '../../../server/wizard/stages'
import { SuggestionCards } from './suggestion-cards'
import './copilot.css'

export interface WizardCopilotProps {
  sessionId: string
  stage: StageId
  stageTitle: string
  stageData: unknown
  issues: { path: string; message: string }[]
  progress: number
  /** An edit session of a live event: the confirmation publishes changes rather than a new event. */
  editing: boolean
  /** Called after the assistant changed the wizard: the page reloads its data and shows it. */
  onWizardChanged: () => void
}

/** Tools whose success means the wizard changed on the server (a suggestion's once the organizer used it). */
const changingTools = new Set<string>([
  ...Object.values(stageToolNames).filter((name) => name !== null),
  ...Object.values(suggestionToolNames),
  SAVE_DRAFT_TOOL,
  'goToStage',
  'continueToNextStage',
])

/** After "describe your event", how many stages the assistant may fill one after another without a word from the organizer. */
const MAX_FOLLOW_UPS = 6

const FOLLOW_UP = 'Continue with this stage from what I described. Ask me for anything that is missing.'

/**
 * The assistant: CopilotKit's provider and sidebar around the wizard's stage page. Loaded lazily, in the
 * browser only, so a stage page without it stays light. The session travels in a header the server
 * checks on every request; the stage and the rules come from the server, never from here.
 */
export default function WizardCopilot(props: WizardCopilotProps) {
  const headers = useMemo(() => ({ 'X-Wizard-Session': props.sessionId }), [props.sessionId])
  return (
    <CopilotKit runtimeUrl="/api/copilotkit" useSingleEndpoint headers={headers} showDevConsole={false} enableInspector={false}>
      <StageContext {...props} />
      <FollowTheWizard {...props} />
      {props.stage === 'reviewPublish' ? <PublishConfirmation sessionId={props.sessionId} editing={props.editing} /> : null}
      <SuggestionCards sessionId={props.sessionId} stage={props.stage} />
      <ChatOnceConnected stageTitle={props.stageTitle} />
    </CopilotKit>
  )
}

/**
 * The chat opens once the runtime has answered. Before that CopilotKit would run a message on a
 * provisional agent of the chat's own and swap in the real one afterwards; the page, following the
 * real agent, never saw that run's saves and did not redraw the form (seen on a busy 2-core machine,
 * reproduced by delaying the runtime's first answer).
 */
function ChatOnceConnected({ stageTitle }: { stageTitle: string }) {
  const { isReady } = useAgent({ agentId: 'default', updates: [] })
  if (!isReady) {
    return (
      <p className="assistant__loading" role="status">
        Connecting to the assistant…
      </p>
    )
  }
  return (
    <CopilotSidebar
      defaultOpen
      clickOutsideToClose={false}
      className="wizardCopilot"
      labels={{
        title: 'Wizard assistant',
        initial: `Tell me about your event, or paste a description: I will fill in "${stageTitle}" and the stages after it.`,
        placeholder: 'Describe your event…',
      }}
    />
  )
}

function usePhone(): boolean {
  const query = '(max-width: 640px)'
  return useMemo(() => typeof window !== 'undefined' && window.matchMedia(query).matches, [])
}

/** What the assistant sees of the page: the stage's saved fields, what is wrong with them, progress, the device. */
function StageContext({ stage, stageData, issues, progress }: WizardCopilotProps) {
  const phone = usePhone()
  useCopilotReadable({ description: `Saved fields of the current stage (${stage})`, value: stageData ?? {} })
  useCopilotReadable({ description: 'What the current stage still needs (field and message)', value: issues })
  useCopilotReadable({ description: 'Overall progress of the wizard, in percent', value: progress })
  useCopilotReadable({ description: 'Device', value: phone ? 'phone: keep answers to one or two short sentences, and no tables' : 'desktop' })
  return null
}

/**
 * Keeps the page in step with the assistant: after a run that changed the wizard the page reloads (and
 * moves to the new stage); after a run that continued to the next stage, the next run starts by itself,
 * so a pasted description fills stage after stage until it has nothing more to give.
 */
function FollowTheWizard({ stage, onWizardChanged }: WizardCopilotProps) {
  const { agent, isReady } = useAgent({ agentId: 'default', updates: [] })
  const { copilotkit } = useCopilotKit()
  const changed = useRef(onWizardChanged)
  changed.current = onWizardChanged
  const followUp = useRef<{ from: StageId; count: number } | null>(null)
  const followUps = useRef(0)

  // Tool results already handled, kept for the page's life. The first set is what the conversation
  // held when the assistant opened (a reconnect replays those): they do not count again.
  const handled = useRef<Set<string> | null>(null)

  useEffect(() => {
    handled.current ??= new Set(agent.messages.flatMap((message) => (message.role === 'tool' ? [message.toolCallId] : [])))
    const done = handled.current
    /**
     * Reads what a finished run did from the conversation itself, not from the events as they
     * streamed, so a subscription made late (the agent swapped while a run was under way) still sees
     * every save.
     */
    const settle = () => {
      const names = new Map(
        agent.messages.flatMap((message) =>
          message.role === 'assistant' ? (message.toolCalls ?? []).map((call) => [call.id, call.function.name] as const) : [],
        ),
      )
      let dirty = false
      let continued = false
      for (const message of agent.messages) {
        if (message.role !== 'tool' || done.has(message.toolCallId)) continue
        done.add(message.toolCallId)
        const name = names.get(message.toolCallId) ?? ''
        const ok = /"ok":true/.test(message.content)
        if (ok && changingTools.has(name)) dirty = true
        if (ok && name === 'continueToNextStage') continued = true
      }
      if (continued && followUps.current < MAX_FOLLOW_UPS) followUp.current = { from: stage, count: followUps.current + 1 }
      if (dirty) changed.current()
    }
    const subscription = agent.subscribe({ onRunFinalized: settle })
    // A run that ended before this subscription (on the agent this one replaced) is settled now.
    if (!agent.isRunning) settle()
    return () => subscription.unsubscribe()
  }, [agent, stage])

  // Once the page shows the next stage, the assistant goes on with it.
  useEffect(() => {
    const pending = followUp.current
    if (!pending || pending.from === stage || !isReady || agent.isRunning) return
    followUp.current = null
    followUps.current = pending.count
    agent.addMessage({ id: crypto.randomUUID(), role: 'user', content: FOLLOW_UP })
    void copilotkit.runAgent({ agent })
  }, [stage, agent, isReady, copilotkit])

  // A message the organizer types resets the chain.
  useEffect(() => {
    if (!isReady) return
    const subscription = agent.subscribe({
      onNewMessage: ({ message }) => {
        if (message.role === 'user' && message.content !== FOLLOW_UP) followUps.current = 0
      },
    })
    return () => subscription.unsubscribe()
  }, [agent, isReady])
  return null
}

type PublishReply = { formErrors?: string[] } | undefined

/**
 * The only way the assistant can lead to a published event: it shows this card, and the organizer's
 * click publishes through the stage page's own action (the same checks as the form's button).
 */
function PublishConfirmation({ sessionId, editing }: { sessionId: string; editing: boolean }) {
  const fetcher = useFetcher<PublishReply>()
  const respondRef = useRef<((result: unknown) => void) | null>(null)
  useEffect(() => {
    if (fetcher.state !== 'idle' || fetcher.data === undefined || !respondRef.current) return
    const errors = fetcher.data?.formErrors ?? []
    respondRef.current({ published: false, errors: errors.length > 0 ? errors : ['The event could not be published.'] })
    respondRef.current = null
  }, [fetcher.state, fetcher.data])
  useCopilotAction({
    name: CONFIRM_PUBLISH_TOOL,
    description: editing
      ? 'Show the organizer a card to confirm publishing the changes to their live event. Only their click publishes them.'
      : 'Show the organizer a card to confirm publishing the event. Only their click publishes it.',
    parameters: [],
    renderAndWaitForResponse: ({ status, respond }) => {
      if (status === 'complete') return <p className="copilotCard">Answered: the event was not published from here.</p>
      const waiting = status !== 'executing' || fetcher.state !== 'idle'
      return (
        <div className="copilotCard" role="group" aria-label={editing ? 'Publish the changes' : 'Publish the event'}>
          <p>
            {editing ? (
              <>
                <strong>Publish these changes?</strong> The live page changes at once; attendees are e-mailed if the date, time or place changed.
              </>
            ) : (
              <>
                <strong>Publish this event?</strong> Its page becomes public at once.
              </>
            )}
          </p>
          <div className="actions">
            <button
              type="button"
              className="button button--primary"
              disabled={waiting}
              onClick={() => {
                respondRef.current = respond ?? null
                fetcher.submit({ intent: 'publish', confirm: 'yes' }, { method: 'post', action: `/wizard/${sessionId}/reviewPublish` })
              }}
            >
              {editing ? 'Publish changes' : 'Publish now'}
            </button>
            <button
              type="button"
              className="button"
              disabled={waiting}
              onClick={() => respond?.({ published: false, reason: 'The organizer chose not to publish yet.' })}
            >
              Not yet
            </button>
          </div>
        </div>
      )
    },
  })
  return null
}
