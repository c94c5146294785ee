import { getFormProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, data, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, type ShouldRevalidateFunction, useActionData, useFetcher, useLoaderData } from '@remix-run/react'
import { useRef } from 'react'
import { CheckInFormSchema } from '../../server/orders/check-in'
import { CameraScanner } from '../components/camera-scanner'
import { ErrorList, Field } from '../components/forms'
import { callerFor } from '../lib/caller.server'
import { admittedOutcome, type CheckInOutcome, refusedOutcome } from '../lib/check-in.server'
import { pickLocale } from '../lib/event-presentation'
import { dateTimeFormat } from '../lib/intl-formats'
import { ownEvent } from '../lib/own-event.server'
import { requireUser } from '../lib/session.server'
import checkInCss from '../styles/check-in.css?url'

/*
 * `$eventId_`: not drawn inside the organizer's event page (`events.$eventId`), a page of its own at
 * /events/:eventId/check-in, for a phone at the door.
 */

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: checkInCss }]

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Check-in · ${data.event.title} · Event Wizard` : 'Page not found · Event Wizard' },
  { name: 'robots', content: 'noindex' },
]

/** The signed-in user's event (theirs or their organization's); anyone else's, or none, is a 404. */
async function theirEvent(args: LoaderFunctionArgs | ActionFunctionArgs) {
  const user = await requireUser(args)
  const caller = await callerFor(args)
  const event = await ownEvent(caller, args.params.eventId ?? '')
  if (!event) throw new Response('Not found', { status: 404 })
  return { user, caller, event, locale: pickLocale(args.request.headers.get('accept-language')) }
}

/** A check-in changes nothing the page's loader shows: one request per scan at a busy door, not two. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formMethod, defaultShouldRevalidate }) => (formMethod === 'POST' ? false : defaultShouldRevalidate)

export async function loader(args: LoaderFunctionArgs) {
  const { event, locale } = await theirEvent(args)
  const starts = dateTimeFormat(locale, { timeZone: event.timezone, dateStyle: 'full', timeStyle: 'short' }).format(event.startsAt)
  return { event: { id: event.id, title: event.title, starts } }
}

/** One code, typed or scanned: checked in through the same procedure the typed API serves. */
export async function action(args: ActionFunctionArgs) {
  const { user, caller, event, locale } = await theirEvent(args)
  // The schema reads the text itself (blank is "type a code"), so no coercion of blanks to "missing".
  const submission = parseWithZod(await args.request.formData(), { schema: CheckInFormSchema, disableAutoCoercion: true })
  if (submission.status !== 'success') return data({ submission: submission.reply(), outcome: null }, { status: 400 })
  const { code } = submission.value
  // Cleared either way: the field is ready for the next ticket.
  const reply = submission.reply({ resetForm: true })
  try {
    const result = await caller.tickets.checkIn({ eventId: event.id, code })
    const outcome = admittedOutcome(result, { locale, timeZone: event.timezone, userId: user.sub })
    return data({ submission: reply, outcome })
  } catch (error) {
    const refused = refusedOutcome(error, code)
    if (!refused) throw error
    return data({ submission: reply, outcome: refused.outcome }, { status: refused.status })
  }
}

export default function CheckIn() {
  const { event } = useLoaderData<typeof loader>()
  // Without JavaScript the form posts and the page comes back; with it, the fetcher keeps the page.
  const posted = useActionData<typeof action>()
  const fetcher = useFetcher<typeof action>()
  const answer = fetcher.data ?? posted
  const busy = fetcher.state !== 'idle'
  const formRef = useRef<HTMLFormElement>(null)
  const [form, fields] = useForm<{ code: string }>({ id: 'check-in', lastResult: answer?.submission })

  function submitScanned(code: string) {
    const formElement = formRef.current
    const input = formElement?.elements.namedItem('code')
    if (!formElement || !(input instanceof HTMLInputElement)) return
    input.value = code
    fetcher.submit(formElement)
  }

  return (
    <main className="page page--narrow check-in">
      <p>
        <Link to={`/events/${event.id}`}>← {event.title}</Link>
      </p>
      <h1>Check-in</h1>
      <p className="hint">{event.starts}</p>
      <Outcome outcome={answer?.outcome ?? null} />
      {/* Above the form: on a phone, the camera's view and the answer fit on one screen. */}
      <CameraScanner onCode={submitScanned} paused={busy} />
      <fetcher.Form method="post" ref={formRef} className="card check-in__form" {...getFormProps(form)}>
        <ErrorList id={form.errorId} errors={form.errors} />
        <Field
          label="Ticket code"
          type="text"
          field={fields.code}
          hint="Printed under the QR code; spaces and dashes do not matter."
          autoComplete="off"
          autoCapitalize="characters"
          autoCorrect="off"
          spellCheck={false}
          autoFocus
          enterKeyHint="go"
        />
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? 'Checking…' : 'Check in'}
        </button>
      </fetcher.Form>
    </main>
  )
}

/** The answer, big enough to read at arm's length: admitted, seen before, or refused. */
function Outcome({ outcome }: { outcome: CheckInOutcome | null }) {
  return (
    <section className="check-in__result" role="status" aria-live="polite" aria-label="Result" data-kind={outcome?.kind ?? 'none'}>
      {!outcome ? (
        <p className="hint">Type or scan a ticket’s code.</p>
      ) : outcome.kind === 'admitted' ? (
        <>
          <p className="check-in__headline">✓ Admitted</p>
          <p className="check-in__holder">{outcome.holderName}</p>
          <p>{outcome.tierName}</p>
        </>
      ) : outcome.kind === 'already' ? (
        <>
          <p className="check-in__headline">Already checked in</p>
          <p>
            {'At '}
            <time dateTime={outcome.atIso}>{outcome.at}</time>
            {` by ${outcome.by}`}
          </p>
          <p className="check-in__holder">{outcome.holderName}</p>
          <p>{outcome.tierName}</p>
        </>
      ) : (
        <>
          <p className="check-in__headline">✕ {outcome.headline}</p>
          <p>{outcome.message}</p>
        </>
      )}
      {outcome ? <p className="check-in__code">{outcome.code}</p> : null}
    </section>
  )
}
