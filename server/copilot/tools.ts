import { defineTool } from '@copilotkit/runtime/v2'
import { TRPCError } from '@trpc/server'
import { ZodError, z } from 'zod'
import { DomainError, type FieldIssue, fieldIssuesOf } from '../errors'
import type { Logger } from '../logger'
import type { createCaller } from '../trpc/root'
import type { WizardState } from '../wizard/session-state'
import { type OrganizerStage, type StageId, stageAfter, stageIds } from '../wizard/stages'
import { SAVE_DRAFT_TOOL, stageToolNames } from './tool-names'
import { type JsonSchema, stageJsonSchema, unchecked, withoutRequired } from './tool-schemas'

type Caller = ReturnType<typeof createCaller>
type ToolDefinition = ReturnType<typeof defineTool>
type ToolParameters = Parameters<typeof defineTool>[0]['parameters']

export interface WizardToolContext {
  caller: Caller
  logger: Logger
  /** The wizard as read when the run started; tools keep it current as they change it. */
  state: WizardState
}

/**
 * Runs a run's tool calls one after another, in the order the model made them. The AI SDK starts all
 * calls of a step at once, and "save, then continue" must not continue before the save.
 */
function inTurn(): <T>(work: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve()
  return (work) => {
    const next = last.then(work, work)
    last = next.catch(() => {})
    return next
  }
}

/** What a tool answers the model: what happened, or why nothing was written and what to fix. */
type ToolAnswer = Record<string, unknown>

/**
 * Tool parameters shown to the model as a JSON Schema and not checked by the AI SDK (see `unchecked`):
 * an SDK error for a refused value would be a bare error rather than the core's answer by field.
 */
const describedBy = (jsonSchema: JsonSchema) => unchecked(jsonSchema) as unknown as ToolParameters

const stageParameters = (stage: StageId) => describedBy(stageJsonSchema(stage))

const noParameters = describedBy({ type: 'object', properties: {}, additionalProperties: false })

const fieldIssues = (issues: FieldIssue[]) => issues.map((issue) => ({ field: issue.path, message: issue.message }))

/** A refused call in words the model can pass on; never an internal message. */
function refusal(error: unknown, logger: Logger): ToolAnswer {
  const cause = error instanceof TRPCError ? error.cause : error
  if (cause instanceof DomainError) {
    return { ok: false, error: cause.message, ...(cause.issues.length > 0 ? { issues: fieldIssues(cause.issues) } : {}) }
  }
  if (cause instanceof ZodError) return { ok: false, error: 'Some values have the wrong shape.', issues: fieldIssues(fieldIssuesOf(cause)) }
  if (error instanceof TRPCError && error.code !== 'INTERNAL_SERVER_ERROR') return { ok: false, error: error.message }
  logger.error({ err: error }, 'copilot tool failed')
  return { ok: false, error: 'Something went wrong on our side. Ask the organizer to try again or to use the form.' }
}

/** Where the wizard stands, for the model: enough to decide what to ask next. */
export function wizardSummary(state: WizardState) {
  return {
    currentStage: state.currentStage,
    nextStage: stageAfter(state.currentStage),
    progress: `${state.progress.percentage}%`,
    completedStages: state.completedStages,
    reachedStages: state.reachedStages,
    paymentStatus: state.paymentStatus,
    published: state.eventId !== null,
    // An edit session: publishing changes that live event (its attendees are e-mailed of a new date or place).
    editsLiveEvent: state.editsEventId !== null,
    currentStageData: state.data[state.currentStage] ?? {},
    // What the organizer already said in the stages before this one (their name, the venue's capacity…).
    earlierStages: Object.fromEntries(
      stageIds.slice(0, stageIds.indexOf(state.currentStage)).flatMap((stage) => (state.data[stage] === undefined ? [] : [[stage, state.data[stage]]])),
    ),
    lastSavedAt: state.updatedAt.toISOString(),
    issues: Object.fromEntries(stageIds.filter((stage) => state.issues[stage].length > 0).map((stage) => [stage, fieldIssues(state.issues[stage])])),
  }
}

type Queue = ReturnType<typeof inTurn>

/** Saves what the model sent for the stage, strictly or as a draft, in turn with the run's other calls. */
function savingStage(stage: StageId, validate: 'strict' | 'draft', context: WizardToolContext, queue: Queue, answer: (state: WizardState) => ToolAnswer) {
  return (fields: unknown) =>
    queue(async () => {
      try {
        context.state = await context.caller.wizard.merge({ sessionId: context.state.sessionId, stage, data: fields as Record<string, unknown>, validate })
        return answer(context.state)
      } catch (error) {
        return refusal(error, context.logger)
      }
    })
}

function saveTool(stage: StageId, name: string, description: string, context: WizardToolContext, queue: Queue): ToolDefinition {
  return defineTool({
    name,
    description,
    parameters: stageParameters(stage),
    execute: savingStage(stage, 'strict', context, queue, (state) => ({
      ok: true,
      saved: stage,
      progress: `${state.progress.percentage}%`,
      nextStage: stageAfter(stage),
    })),
  })
}

/**
 * The draft save: what the organizer said so far is kept even with required fields missing or wrong
 * (the forms' "Save draft"), and the open issues go back to the chat. Wrong shapes (an unknown field,
 * a number as text) are still refused, as for any draft.
 */
function saveDraftTool(stage: OrganizerStage, context: WizardToolContext, queue: Queue): ToolDefinition {
  return defineTool({
    name: SAVE_DRAFT_TOOL,
    description: `Keep what the organizer gave so far for this stage (${stage}) when something is still missing or to be confirmed, e.g. "the venue is the Palais de Tokyo, I'll add the address later". Send only the fields they gave; the answer lists what is still open. Use ${stageToolNames[stage]} once the stage is complete.`,
    parameters: describedBy(withoutRequired(stageJsonSchema(stage)) as JsonSchema),
    execute: savingStage(stage, 'draft', context, queue, (state) => {
      const open = fieldIssues(state.issues[stage])
      return { ok: true, saved: stage, draft: true, progress: `${state.progress.percentage}%`, stillOpen: open, complete: open.length === 0 }
    }),
  })
}

const saveDescriptions: Record<OrganizerStage, string> = {
  organizerSetup: "Save the organizer's details (who runs the event). Send every field you know; missing required fields are refused by name.",
  eventSetup:
    'Save the event: title, type, description, date (YYYY-MM-DD), startTime (HH:mm, 24 h), optional endDate/endTime, and an IANA time zone such as Europe/Paris. The date must be in the future.',
  venueSetup:
    'Save where the event happens: mode physical, virtual or hybrid; a venue (name, address, city, ISO country code such as FR) for physical and hybrid; an online link (https) for virtual and hybrid.',
  ticketSetup:
    'Save the ticket tiers (the whole list replaces the stored one): each with a name, a price in the smallest currency unit (cents; 0 for free), an ISO currency code such as EUR and a quantity. All tiers use one currency.',
  sponsorsMedia: 'Save the cover image (https URL) and sponsors (name, optional https url, logoUrl and level), or skipped: true when the organizer has none.',
}

/** The tools of one run: the current stage's, and the wizard's own. The stage decides; nothing the browser sends does. */
export function wizardTools(context: WizardToolContext): ToolDefinition[] {
  const stage = context.state.currentStage
  const queue = inTurn()
  const tools: ToolDefinition[] = []
  const stageTool = stageToolNames[stage]
  if (stage === 'paymentSetup') {
    tools.push(
      defineTool({
        name: stageToolNames.paymentSetup,
        description:
          'Start (or resume) Stripe onboarding so the organizer can be paid for paid tickets. Returns a link the organizer must open themselves; Stripe brings them back to the wizard.',
        parameters: noParameters,
        execute: () =>
          queue(async () => {
            try {
              const { url } = await context.caller.payments.startOnboarding({ sessionId: context.state.sessionId })
              return { ok: true, onboardingUrl: url, tell: 'Show the organizer this link; only they can complete Stripe onboarding.' }
            } catch (error) {
              return refusal(error, context.logger)
            }
          }),
      }),
    )
  } else if (stageTool !== null && stage !== 'reviewPublish') {
    tools.push(saveTool(stage, stageTool, saveDescriptions[stage], context, queue), saveDraftTool(stage, context, queue))
  }
  tools.push(
    defineTool({
      name: 'getWizardState',
      description: 'Read where the wizard stands: the current stage, its saved fields, progress, and what is missing in every stage.',
      parameters: noParameters,
      execute: () =>
        queue(async () => {
          try {
            context.state = await context.caller.wizard.get({ sessionId: context.state.sessionId })
            return { ok: true, ...wizardSummary(context.state) }
          } catch (error) {
            return refusal(error, context.logger)
          }
        }),
    }),
    defineTool({
      name: 'goToStage',
      description: `Move the organizer to another stage: any earlier or already reached stage, or a later one once every stage before it is complete. Stages: ${stageIds.join(', ')}.`,
      parameters: describedBy(z.toJSONSchema(z.object({ stage: z.enum(stageIds) }), { io: 'input', target: 'draft-7' })),
      execute: (args: unknown) => queue(() => moveTo(context, (args as { stage?: unknown } | null)?.stage)),
    }),
    defineTool({
      name: 'continueToNextStage',
      description:
        'Finish the current stage and move to the next one. Refused with the missing fields when the stage is not complete. The app then continues with the next stage in a new turn.',
      parameters: noParameters,
      execute: () =>
        queue(async () => {
          const next = stageAfter(context.state.currentStage)
          if (next === null) return { ok: false, error: 'This is the last stage: the organizer publishes from here.' }
          return moveTo(context, next)
        }),
    }),
  )
  return tools
}

async function moveTo(context: WizardToolContext, stage: unknown): Promise<ToolAnswer> {
  try {
    context.state = await context.caller.wizard.transition({
      sessionId: context.state.sessionId,
      from: context.state.currentStage,
      to: stage as StageId,
    })
    return { ok: true, currentStage: context.state.currentStage, progress: `${context.state.progress.percentage}%` }
  } catch (error) {
    return refusal(error, context.logger)
  }
}
