import { getFormProps, getInputProps, getTextareaProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, data, type LinksFunction, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { TRPCError } from '@trpc/server'
import { z } from 'zod'
import { CancelEventInputSchema } from '../../server/orders/schemas'
import { ErrorList } from '../components/forms'
import { callerFor } from '../lib/caller.server'
import { formatAmount, pickLocale } from '../lib/event-presentation'
import { notFoundAs404, replyWithError } from '../lib/form-errors.server'
import { dateTimeFormat } from '../lib/intl-formats'
import { requireUser } from '../lib/session.server'
import manageCss from '../styles/manage-event.css?url'

/*
 * `$eventId_`: a page of its own at /events/:eventId/cancel, the confirmation before an event is called
 * off. A plain form post: it works without JavaScript, and never happens on one stray click.
 */

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: manageCss }]

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Cancel ${data.event.title} · Event Wizard` : 'Page not found · Event Wizard' },
  { name: 'robots', content: 'noindex' },
]

/** The message as `events.cancel` takes it, and the organizer's explicit yes. */
const CancelFormSchema = z.object({
  message: CancelEventInputSchema.shape.message,
  confirm: z.literal('yes', { message: 'Tick the box to confirm that the event is called off.' }),
})

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args)
  const caller = await callerFor(args)
  const sales = await caller.events.sales({ eventId: args.params.eventId ?? '' }).catch(notFoundAs404)
  const { event } = sales
  if (event.status === 'cancelled') throw redirect(`/events/${event.id}`)
  const locale = pickLocale(args.request.headers.get('accept-language'))
  const toRefund = sales.revenue.filter((revenue) => revenue.gross > 0).map((revenue) => formatAmount(revenue.gross, revenue.currency, locale))
  return {
    event: {
      id: event.id,
      title: event.title,
      when: `${dateTimeFormat(locale, { timeZone: event.timezone, dateStyle: 'full', timeStyle: 'short' }).format(event.startsAt)} (${event.timezone})`,
    },
    confirmed: sales.orders.confirmed,
    toRefund: toRefund.join(' and '),
    pending: sales.orders.pending,
  }
}

export async function action(args: ActionFunctionArgs) {
  await requireUser(args)
  const submission = parseWithZod(await args.request.formData(), { schema: CancelFormSchema })
  if (submission.status !== 'success') return data(submission.reply(), { status: 400 })
  const caller = await callerFor(args)
  const eventId = args.params.eventId ?? ''
  try {
    const cancelled = await caller.events.cancel({ eventId, message: submission.value.message })
    return redirect(`/events/${eventId}?${new URLSearchParams({ done: 'event-cancelled', left: String(cancelled.left) })}`, 303)
  } catch (error) {
    if (error instanceof TRPCError && error.code === 'NOT_FOUND') notFoundAs404(error)
    return replyWithError(submission, error)
  }
}

export default function CancelEvent() {
  const { event, confirmed, toRefund, pending } = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const [form, fields] = useForm({
    id: 'cancel-event',
    lastResult,
    shouldValidate: 'onSubmit',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CancelFormSchema }),
  })
  return (
    <main className="page page--narrow manage">
      <p>
        <Link to={`/events/${event.id}`}>← {event.title}</Link>
      </p>
      <h1>Cancel this event?</h1>
      <p className="hint">
        {event.title} · {event.when}
      </p>
      <section className="card manage__refund" aria-labelledby="what-happens">
        <h2 id="what-happens">What happens</h2>
        <ul>
          <li>The public page says the event is cancelled, with your message, and takes no more registrations.</li>
          {confirmed > 0 ? (
            <li>{`${confirmed} ${confirmed === 1 ? 'order is' : 'orders are'} cancelled and ${confirmed === 1 ? 'its tickets' : 'their tickets'} void.`}</li>
          ) : null}
          {toRefund ? <li>{`Paid orders are refunded in full through Stripe: ${toRefund}.`}</li> : null}
          {pending > 0 ? (
            <li>{`${pending} ${pending === 1 ? 'order' : 'orders'} waiting for payment ${pending === 1 ? 'is' : 'are'} cancelled; nothing is charged.`}</li>
          ) : null}
          {confirmed > 0 ? <li>Every attendee gets an e-mail with your message.</li> : <li>Nobody has registered yet.</li>}
          <li>It cannot be undone.</li>
        </ul>
      </section>
      <Form method="post" className="card stack" {...getFormProps(form)}>
        <ErrorList id={form.errorId} errors={form.errors} />
        <div className="field">
          <label htmlFor={fields.message.id}>Message to attendees (optional)</label>
          <textarea {...getTextareaProps(fields.message, { ariaDescribedBy: `${fields.message.id}-hint` })} rows={5} maxLength={2000} />
          <p id={`${fields.message.id}-hint`} className="hint">
            Why, and what comes next. Shown on the public page and in the e-mail.
          </p>
          <ErrorList id={fields.message.errorId} errors={fields.message.errors} />
        </div>
        <div className="field field--checkbox">
          <input {...getInputProps(fields.confirm, { type: 'checkbox', value: 'yes' })} />
          <label htmlFor={fields.confirm.id}>I want to cancel this event for everyone.</label>
          <ErrorList id={fields.confirm.errorId} errors={fields.confirm.errors} />
        </div>
        <div className="actions">
          <button type="submit" className="button button--danger" disabled={busy}>
            {busy ? 'Cancelling…' : 'Cancel event'}
          </button>
          <Link className="button" to={`/events/${event.id}`}>
            Keep the event
          </Link>
        </div>
      </Form>
    </main>
  )
}
