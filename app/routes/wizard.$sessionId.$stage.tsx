import { getFormProps, parse, type Submission, type SubmissionResult, useForm } from '@conform-to/react'
import { type ActionFunctionArgs, data, type LinksFunction, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from '@remix-run/react'
import { useEffect, useMemo, useRef, useState } from 'react'
import { z } from 'zod'
import { type FieldIssue } from '../../server/errors'
import { isOrganizerStage, type StageId, stageAfter, stageIds } from '../../server/wizard/stages'
import { Assistant } from '../components/copilot/assistant'
import { eventPageStylesheet } from '../components/event-page'
import { ErrorList } from '../components/forms'
import { AutosaveStatus, useAutosave } from '../components/wizard/autosave'
import { useInlineValidation } from '../components/wizard/inline-validation'
import { ProgressBar } from '../components/wizard/progress-bar'
import { StageFields, type StageForm } from '../components/wizard/stage-fields'
import { stageTitles } from '../components/wizard/stage-titles'
import { Stepper } from '../components/wizard/stepper'
import { pickLocale } from '../lib/event-presentation'
import { procedureErrorReply, refusalOf } from '../lib/form-errors.server'
import { forwardActionHeaders } from '../lib/headers'
import { ownEvent } from '../lib/own-event.server'
import { previewOf } from '../lib/review-preview.server'
import { checkStageForm, errorsByField, formDefaults, formToPatch, issuesOfEnteredFields } from '../lib/stage-form'
import { stageOptions } from '../lib/stage-options.server'
import { eventZoneOf, loadWizard, stagePath } from '../lib/wizard-route.server'
import wizardStyles from '../styles/wizard.css?url'

export const headers = forwardActionHeaders

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: wizardStyles }, eventPageStylesheet]

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [
  { title: loaded ? `${stageTitles[loaded.stage].title} · Event Wizard` : 'Event Wizard' },
]

export async function loader(args: LoaderFunctionArgs) {
  const { caller, state, stage, claims } = await loadWizard(args)
  if (state.status === 'completed')
    throw redirect(state.editsEventId ? editedEventPath(state.editsEventId, 'changes-published') : await publishedPlaceOf(caller, state.eventId))
  // The address always shows the current stage; moving between stages is a transition (a POST).
  if (stage !== state.currentStage) throw redirect(stagePath(state.sessionId, state.currentStage))
  const zone = eventZoneOf(state.data)
  return {
    stage,
    state,
    zone,
    // An edit session of a live event: the page says so, and publishing changes that event in place.
    editing: state.editsEventId ? { eventHref: `/events/${state.editsEventId}` } : null,
    defaults: formDefaults(stage, state.data[stage], zone, { email: claims.email }),
    options: stageOptions(stage),
    paymentsConfigured: args.context.app.stripe !== null,
    copilotConfigured: args.context.app.copilot.model !== null,
    preview: stage === 'reviewPublish' ? previewOf(state.data, pickLocale(args.request.headers.get('accept-language'))) : null,
    // What is wrong with what was already entered (a missing field is not shown before a submit).
    storedErrors: errorsByField(issuesOfEnteredFields(state.issues[stage], state.data[stage])),
  }
}

/**
 * Where a finished wizard's address leads (browser back after publishing): the event it published,
 * as its organizer saw it then; the dashboard when that event is no longer public.
 */
async function publishedPlaceOf(caller: Awaited<ReturnType<typeof loadWizard>>['caller'], eventId: string | null): Promise<string> {
  const event = eventId === null ? null : await ownEvent(caller, eventId)
  return event?.status === 'published' ? `/e/${event.slug}?published=1` : '/'
}

/** The organizer's page for an edited event, saying what just happened to the edit. */
const editedEventPath = (eventId: string, done: 'changes-published' | 'changes-discarded') => `/events/${eventId}?${new URLSearchParams({ done })}`

/** The stage page's buttons, Conform's own (add or remove a tier) aside: anything else is refused. */
const IntentSchema = z.union([z.enum(['save', 'continue', 'back', 'skip', 'publish', 'payouts', 'discard']), z.templateLiteral(['goto:', z.enum(stageIds)])])
type Intent = z.infer<typeof IntentSchema>

export async function action(args: ActionFunctionArgs) {
  const { caller, state, stage } = await loadWizard(args)
  const formData = await args.request.formData()
  const sessionId = state.sessionId
  if (stage !== state.currentStage) throw redirect(stagePath(sessionId, state.currentStage))
  const parsedIntent = IntentSchema.safeParse(formData.get('intent') ?? 'save')
  if (!parsedIntent.success) throw data('Choose something to do.', { status: 400 })
  const intent = parsedIntent.data

  // Conform's own intents (add or remove a ticket tier or a sponsor) only change the form, which comes back.
  const submission = parse<Record<string, unknown>, string[]>(formData, { resolve: (payload) => ({ value: payload }) })
  if (submission.status !== 'success') return data(submission.reply())
  const payload = submission.payload
  const respond = (result: SubmissionResult<string[]>, init?: ResponseInit) => data(result, init)

  try {
    if (intent === 'publish') {
      if (formData.get('confirm') !== 'yes') {
        const reason = state.editsEventId ? 'Tick the box to confirm that the changes may go live.' : 'Tick the box to confirm that the event may go public.'
        return respond(submission.reply({ fieldErrors: { confirm: [reason] } }), { status: 400 })
      }
      const { slug } = await caller.wizard.publish({ sessionId })
      return redirect(state.editsEventId ? editedEventPath(state.editsEventId, 'changes-published') : `/e/${slug}?published=1`)
    }
    if (intent === 'discard') {
      // Only an edit session has this button; a draft is discarded from the dashboard.
      if (!state.editsEventId) throw data('Choose something to do.', { status: 400 })
      await caller.wizard.abandon({ sessionId })
      return redirect(editedEventPath(state.editsEventId, 'changes-discarded'))
    }
    if (intent === 'payouts' && stage === 'paymentSetup') {
      // Off to Stripe's onboarding; it sends the organizer back to /wizard/:id/payments/return.
      const { url } = await caller.payments.startOnboarding({ sessionId })
      return redirect(url)
    }
    const writable = isOrganizerStage(stage)
    const strict = intent === 'continue'
    if (writable && intent === 'skip' && stage === 'sponsorsMedia') {
      await caller.wizard.merge({ sessionId, stage, data: { skipped: true }, validate: 'draft' })
    } else if (writable) {
      const zone = eventZoneOf({ ...state.data, [stage]: payload })
      const { patch, issues } = formToPatch(stage, payload, zone)
      // Text the form could not even read (a price with too many decimals) is refused before anything is
      // written, together with everything else the stage's schema finds, so one submit shows it all.
      if (strict && issues.length > 0) {
        const everything = checkStageForm(stage, payload, { eventZone: zone, data: state.data, now: new Date() }).issues
        return respond(replyWithIssues(submission, stage, everything), { status: 400 })
      }
      const saved = await caller.wizard.merge({ sessionId, stage, data: patch, validate: strict ? 'strict' : 'draft' })
      const shown = [...issues, ...saved.issues[stage]]
      // A saved draft comes back with what is still missing; moving on does not stop for it.
      if (intent === 'save' && shown.length > 0) return respond(replyWithIssues(submission, stage, shown))
    }
    const target = targetStage(intent, stage)
    if (target && target !== stage) await caller.wizard.transition({ sessionId, from: stage, to: target })
    return redirect(stagePath(sessionId, target ?? stage))
  } catch (error) {
    const { result, init } = procedureErrorReply(submission, error)
    const issues = refusalOf(error)?.issues ?? []
    return respond(issues.length > 0 ? replyWithIssues(submission, stage, issues) : result, init)
  }
}

/**
 * Issues beside their fields; what has no field on this page (a stage-wide issue, one of another stage,
 * or any issue of the payment and review stages) above the form, named by its stage.
 */
function replyWithIssues(submission: Submission<Record<string, unknown>, string[]>, stage: StageId, issues: FieldIssue[]) {
  const hasFields = isOrganizerStage(stage)
  const fieldIssues: FieldIssue[] = []
  const formErrors: string[] = []
  for (const issue of stageRelative(issues, stage)) {
    const otherStage = stageIds.find((other) => other !== stage && (issue.path === other || issue.path.startsWith(`${other}.`)))
    if (otherStage) formErrors.push(`${stageTitles[otherStage].title}: ${issue.message}`)
    else if (!hasFields || issue.path === '') formErrors.push(issue.message)
    else fieldIssues.push(issue)
  }
  return submission.reply({ formErrors, fieldErrors: errorsByField(fieldIssues) })
}

function targetStage(intent: Intent, stage: StageId): StageId | null {
  if (intent === 'continue' || intent === 'skip') return stageAfter(stage)
  if (intent === 'back') return stageAfter(stage, -1)
  return stageIds.find((target) => intent === `goto:${target}`) ?? null
}

/** Blockers of this stage named from the stage (`eventSetup.title` → `title`); other stages' stay whole. */
const stageRelative = (issues: FieldIssue[], stage: StageId) =>
  issues.map((issue) => (issue.path === stage || issue.path.startsWith(`${stage}.`) ? { ...issue, path: issue.path.slice(stage.length + 1) } : issue))

export default function StagePage() {
  const { stage, state, copilotConfigured } = useLoaderData<typeof loader>()
  const revalidator = useRevalidator()
  // After the assistant saved, the form is drawn again from the new data (its inputs are uncontrolled).
  const [formRevision, setFormRevision] = useState(0)
  const assistantChanged = useRef(false)
  useEffect(() => {
    if (!assistantChanged.current) return
    assistantChanged.current = false
    setFormRevision((revision) => revision + 1)
  }, [state.version])
  // Where the "Assistant" button goes: the top bar of the (re-keyed) stage editor, never over the form.
  const [assistantSlot, setAssistantSlot] = useState<HTMLElement | null>(null)
  return (
    <>
      <StageEditor key={`${stage}-${formRevision}`} assistantSlot={setAssistantSlot} />
      <Assistant
        slot={assistantSlot}
        configured={copilotConfigured}
        sessionId={state.sessionId}
        stage={stage}
        stageTitle={stageTitles[stage].title}
        stageData={state.data[stage]}
        issues={state.issues[stage]}
        progress={state.progress.percentage}
        editing={state.editsEventId !== null}
        onWizardChanged={() => {
          assistantChanged.current = true
          revalidator.revalidate()
        }}
      />
    </>
  )
}

function StageEditor({ assistantSlot }: { assistantSlot: (element: HTMLElement | null) => void }) {
  const { stage, state, zone, defaults, options, paymentsConfigured, preview, storedErrors, editing } = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const navigation = useNavigation()
  const busy = navigation.state === 'submitting'
  const inlineValidation = useInlineValidation(stage, { eventZone: zone, data: state.data })
  const autosave = useAutosave(`stage-${state.sessionId}-${stage}`, stage, state)
  // The last word on each field: a submit's answer, else the last autosave's, else what is wrong with
  // the stored data. Memoised: Conform applies a result once per new object.
  const result = useMemo(() => {
    if (lastResult && 'status' in lastResult) return lastResult
    const errors = autosave.errors ?? storedErrors
    return Object.keys(errors).length > 0 || autosave.errors ? { status: 'error' as const, error: errors } : undefined
  }, [lastResult, autosave.errors, storedErrors])
  const [form, fields] = useForm<StageForm>({
    id: `stage-${state.sessionId}-${stage}`,
    lastResult: result,
    defaultValue: defaults,
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    // Only "Continue" and a field the organizer leaves are checked (see useInlineValidation).
    onValidate: inlineValidation.onValidate,
  })
  const formProps = getFormProps(form)
  // Following a link away (the header, the dashboard) first sends what the debounce still holds. Not
  // on the way to another stage of this wizard (the assistant moved on): this stage is closed by then.
  const { flush } = autosave
  const leaving =
    navigation.state === 'loading' && navigation.formMethod === undefined && !navigation.location.pathname.startsWith(`/wizard/${state.sessionId}/`)
  useEffect(() => {
    if (leaving) flush()
  }, [leaving, flush])
  const index = stageIds.indexOf(stage)
  const { title, lead } = stageTitles[stage]
  // Until paid tickets can be sold, Continue could only fail: the way on is payouts, or back to tickets.
  const payoutsBlocked = stage === 'paymentSetup' && state.paymentStatus !== 'not_required' && state.paymentStatus !== 'verified'
  return (
    <main className="page wizard">
      {editing ? (
        <aside className="notice wizard__editing" aria-label="Editing a live event">
          <p>
            <strong>You are editing a live event.</strong> Nothing changes for the public until you publish the changes.{' '}
            <Link to={editing.eventHref}>Back to the event</Link>
          </p>
          <Form method="post">
            <button type="submit" name="intent" value="discard" className="button button--small" disabled={busy} formNoValidate>
              Discard changes
            </button>
          </Form>
        </aside>
      ) : null}
      <div className="wizard__top">
        <ProgressBar percentage={autosave.progress?.percentage ?? state.progress.percentage} />
        <AutosaveStatus status={autosave.status} onRetry={autosave.retry} />
        <div ref={assistantSlot} className="wizard__assistant" />
      </div>
      <div className="wizard__layout">
        <Stepper form={form.id} current={stage} state={state} progress={autosave.progress ?? state.progress} />
        <Form
          method="post"
          className="card stack wizard__form"
          {...formProps}
          onSubmit={(event) => {
            formProps.onSubmit(event)
            // The submit carries the form: a draft save still pending would only race it.
            if (!event.defaultPrevented) autosave.cancel()
          }}
          onChange={autosave.schedule}
          onFocus={inlineValidation.load}
        >
          <header>
            <p className="eyebrow">
              Step {index + 1} of {stageIds.length}
            </p>
            <h1>{title}</h1>
            <p className="lead">{lead}</p>
          </header>
          <ErrorList id={form.errorId} errors={form.errors} />
          <StageFields
            stage={stage}
            form={form}
            fields={fields}
            state={state}
            options={options}
            paymentsConfigured={paymentsConfigured}
            preview={preview}
            onFilledIn={autosave.schedule}
          />
          <div className="actions wizard__actions">
            {index > 0 ? (
              <button
                type="submit"
                name="intent"
                value="back"
                className={`button${payoutsBlocked && !paymentsConfigured ? ' button--primary' : ''}`}
                disabled={busy}
                formNoValidate
              >
                {payoutsBlocked && !paymentsConfigured ? 'Back to tickets' : 'Back'}
              </button>
            ) : null}
            {stage === 'reviewPublish' || payoutsBlocked ? null : (
              <>
                {stage === 'paymentSetup' ? null : (
                  <button type="submit" name="intent" value="save" className="button" disabled={busy} formNoValidate>
                    Save draft
                  </button>
                )}
                <button type="submit" name="intent" value="continue" className="button button--primary" disabled={busy}>
                  Continue
                </button>
              </>
            )}
          </div>
        </Form>
      </div>
    </main>
  )
}
