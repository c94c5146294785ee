import { type ActionFunctionArgs, data, type HeadersFunction, type LinksFunction, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { z } from 'zod'
import { RefundOrderInputSchema } from '../../server/orders/refund-order'
import { EventAttendeesInputSchema } from '../../server/orders/schemas'
import { AttendeeList, type AttendeesView } from '../components/attendee-list'
import { CopyLink } from '../components/copy-link'
import { callerFor } from '../lib/caller.server'
import { formatAmount, formatPrice, pickLocale } from '../lib/event-presentation'
import { eventStatusLabels } from '../lib/event-status'
import { notFoundAs404, refusedWith } from '../lib/form-errors.server'
import { dateTimeFormat } from '../lib/intl-formats'
import { orderStatusLabels } from '../lib/order-status'
import { requireUser } from '../lib/session.server'
import manageCss from '../styles/manage-event.css?url'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: manageCss }]

/** Buyers' names and e-mails: never cached. */
export const headers: HeadersFunction = () => ({ 'Cache-Control': 'private, no-store' })

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.event.title} · Manage · Event Wizard` : 'Page not found · Event Wizard' },
  { name: 'robots', content: 'noindex' },
]

const saleStateLabels: Record<string, string> = { on_sale: 'On sale', not_yet: 'Not on sale yet', closed: 'Sales closed', sold_out: 'Sold out' }

/** Orders by status in the organizer's words, in the order the page counts them. */
const orderCountLabels = [
  ['confirmed', 'confirmed'],
  ['pending', 'waiting for payment'],
  ['refunded', 'refunded'],
  ['cancelled', 'cancelled'],
  ['expired', 'expired'],
] as const

/** What the page says after an action (`?done=`). */
const doneMessages: Record<string, string> = {
  refunded: 'The order was refunded; its seats are free again.',
  cancelled: 'The order was cancelled; its seats are free again.',
  unpublished: 'The event is unpublished: its page answers “Page not found” until you publish it again.',
  published: 'The event is live again.',
  'event-cancelled': 'The event is cancelled. Its orders are cancelled or refunded, and attendees are e-mailed.',
  'changes-published': 'Your changes are live. If the date, time or place changed, every confirmed attendee is being e-mailed.',
  'changes-discarded': 'Your changes were discarded: the event is as it was.',
}

/** The page asked for in the address; anything that is not a page number is the first page. */
function pageNumber(value: string | null): number {
  const page = Number(value)
  return Number.isSafeInteger(page) && page >= 1 ? page : 1
}

/**
 * The organizer's page for one event: its status and public link, sales per tier, money, attendees.
 * Its people only (publisher, organization members): anyone else gets the app's 404.
 */
export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args)
  const eventId = args.params.eventId ?? ''
  const query = new URL(args.request.url).searchParams
  const searched = EventAttendeesInputSchema.shape.search.safeParse(query.get('q') ?? '')
  const search = searched.success ? (searched.data ?? '') : ''
  const page = pageNumber(query.get('page'))
  const caller = await callerFor(args)
  const [sales, attendees, me] = await Promise.all([
    caller.events.sales({ eventId }).catch(notFoundAs404),
    caller.events.attendees({ eventId, search, page }).catch(notFoundAs404),
    caller.auth.me(),
  ])
  const locale = pickLocale(args.request.headers.get('accept-language'))
  const { event } = sales
  const inZone = (options: Intl.DateTimeFormatOptions) => dateTimeFormat(locale, { timeZone: event.timezone, ...options })
  const allHref = `/events/${event.id}`
  const pageHref = (number: number) => `${allHref}?${new URLSearchParams({ ...(search ? { q: search } : {}), page: String(number) })}`
  const from = (attendees.page - 1) * attendees.pageSize + 1
  const endable = (status: string) => status === 'confirmed' || status === 'pending'
  // Orders a cancellation is still ending (Stripe refusing a refund for now): the sweeper finishes them.
  const windingDown = event.status === 'cancelled' ? sales.orders.confirmed + sales.orders.pending : 0
  return {
    refunding: await orderToRefund(caller, query.get('refund'), locale),
    done: doneMessages[query.get('done') ?? ''] ?? null,
    event: {
      id: event.id,
      title: event.title,
      status: event.status,
      statusLabel: eventStatusLabels[event.status] ?? event.status,
      // For whom it was created: the organization's name, or nobody's but the publisher's.
      owner: event.organizationId ? (me.organizations.find((organization) => organization.id === event.organizationId)?.name ?? 'An organization') : 'Personal',
      cancellation:
        event.status === 'cancelled'
          ? {
              on: event.cancelledAt ? inZone({ dateStyle: 'medium', timeStyle: 'short' }).format(event.cancelledAt) : null,
              message: event.cancellationMessage,
              windingDown,
            }
          : null,
      startIso: event.startsAt.toISOString(),
      when: `${inZone({ dateStyle: 'full', timeStyle: 'short' }).format(event.startsAt)} (${event.timezone})`,
      publicPath: `/e/${encodeURIComponent(event.slug)}`,
      publicUrl: `${args.context.app.config.APP_URL}/e/${encodeURIComponent(event.slug)}`,
    },
    totals: sales.totals,
    tiers: sales.tiers.map((tier) => ({
      id: tier.id,
      name: tier.name,
      price: formatPrice(tier.price, tier.currency, locale),
      hidden: tier.hidden,
      saleLabel: saleStateLabels[tier.saleState] ?? tier.saleState,
      quantity: tier.quantity,
      sold: tier.sold,
      held: tier.held,
      left: tier.left,
    })),
    revenue: sales.revenue.map((revenue) => ({
      currency: revenue.currency,
      gross: formatAmount(revenue.gross, revenue.currency, locale),
      fee: formatAmount(revenue.fee, revenue.currency, locale),
      net: formatAmount(revenue.net, revenue.currency, locale),
      refunded: revenue.refunded > 0 ? formatAmount(revenue.refunded, revenue.currency, locale) : null,
    })),
    orders: orderCountLabels.filter(([status]) => sales.orders[status] > 0).map(([status, label]) => `${sales.orders[status]} ${label}`),
    attendees: {
      rows: attendees.attendees.map((attendee) => ({
        ticketId: attendee.ticketId,
        code: attendee.code,
        holderName: attendee.holderName ?? attendee.buyerName,
        tierName: attendee.tierName,
        status:
          attendee.ticketStatus === 'void'
            ? 'Void'
            : attendee.checkedInAt
              ? `Checked in ${inZone({ dateStyle: 'short', timeStyle: 'short' }).format(attendee.checkedInAt)}`
              : 'Not checked in',
        buyerName: attendee.buyerName,
        buyerEmail: attendee.buyerEmail,
        orderId: attendee.orderId,
        orderStatus: orderStatusLabels[attendee.orderStatus] ?? attendee.orderStatus,
        refundHref: endable(attendee.orderStatus) ? `${allHref}?${new URLSearchParams({ refund: attendee.orderId })}#refund` : null,
      })),
      total: attendees.total,
      range: attendees.attendees.length > 0 ? `${from}–${from + attendees.attendees.length - 1} of ${attendees.total}` : null,
      page: attendees.page,
      pageCount: attendees.pageCount,
      previousHref: attendees.page > 1 ? pageHref(Math.min(attendees.page - 1, attendees.pageCount)) : null,
      nextHref: attendees.page < attendees.pageCount ? pageHref(attendees.page + 1) : null,
      search: searched.success ? search : (query.get('q') ?? ''),
      searchError: searched.success ? null : (searched.error.issues[0]?.message ?? null),
      allHref,
    } satisfies AttendeesView,
    csvHref: `/events/${event.id}/attendees.csv`,
    checkInHref: `/events/${event.id}/check-in`,
  }
}

/**
 * The order the organizer asked to refund or cancel (`?refund=<id>`), for the confirmation: a plain
 * link, then a form post, so it works without JavaScript and never happens on one stray click.
 */
async function orderToRefund(caller: Awaited<ReturnType<typeof callerFor>>, orderId: string | null, locale: string) {
  if (!orderId || !RefundOrderInputSchema.safeParse({ orderId }).success) return null
  const order = await caller.orders.get({ orderId }).catch(() => null)
  if (!order || (order.status !== 'confirmed' && order.status !== 'pending')) return null
  const paid = order.total > 0 && order.status === 'confirmed'
  return {
    orderId: order.id,
    buyer: `${order.buyerName} (${order.buyerEmail})`,
    tickets: order.items.reduce((sum, item) => sum + item.quantity, 0),
    amount: paid ? formatAmount(order.total, order.currency, locale) : null,
  }
}

/** The page's buttons: refund or cancel one order, take the page down, put it back up, edit, start a copy. */
const IntentSchema = z.enum(['refund', 'unpublish', 'republish', 'edit', 'duplicate'])

/**
 * Refunds (paid) or cancels (free, or still waiting for payment) an order through `orders.refund`;
 * unpublishes or publishes again through `events.unpublish` / `events.republish`; opens (or resumes)
 * the event's edit session through `wizard.create({ editEventId })`; starts a wizard copied from the
 * event through `wizard.create({ copyFromEventId })`.
 */
export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData()
  const intent = IntentSchema.safeParse(form.get('intent') ?? 'refund')
  if (!intent.success) return data({ error: 'Choose something to do.' }, { status: 400 })
  const eventId = args.params.eventId ?? ''
  const caller = await callerFor(args)
  const done = (what: string) => redirect(`/events/${eventId}?${new URLSearchParams({ done: what })}`, 303)
  try {
    if (intent.data === 'unpublish') return done((await caller.events.unpublish({ eventId }).catch(notFoundAs404)).status)
    if (intent.data === 'republish') return done((await caller.events.republish({ eventId }).catch(notFoundAs404)).status)
    if (intent.data === 'duplicate' || intent.data === 'edit') {
      const wizard = await caller.wizard.create(intent.data === 'edit' ? { editEventId: eventId } : { copyFromEventId: eventId }).catch(notFoundAs404)
      return redirect(`/wizard/${wizard.sessionId}/${wizard.currentStage}`, 303)
    }
    const parsed = RefundOrderInputSchema.safeParse({ orderId: form.get('orderId') })
    if (!parsed.success) return data({ error: 'Choose an order to refund.' }, { status: 400 })
    const result = await caller.orders.refund(parsed.data)
    return done(result.status)
  } catch (error) {
    return refusedWith(error)
  }
}

export default function ManageEvent() {
  const { event, totals, tiers, revenue, orders, attendees, csvHref, checkInHref, refunding, done } = useLoaderData<typeof loader>()
  const refused = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const live = event.status === 'published'
  // A cancelled event's page stays up and says so.
  const onPublicPage = event.status !== 'unpublished'
  return (
    <main className="page manage">
      <header className="manage__head">
        <p>
          <Link to="/">Your events</Link>
        </p>
        <h1>{event.title}</h1>
        <p className="manage__meta">
          <span className={`badge manage__status manage__status--${event.status}`}>{event.statusLabel}</span>
          <span className="badge">{event.owner}</span>
          <time dateTime={event.startIso}>{event.when}</time>
        </p>
      </header>

      {done ? (
        <p className="notice manage__done" role="status">
          {done}
        </p>
      ) : null}

      <section className="card manage__share" aria-labelledby="share-heading">
        <h2 id="share-heading">Public page</h2>
        {onPublicPage ? (
          <CopyLink id="public-link" url={event.publicUrl} title={event.title} label="Public link" />
        ) : (
          <p className="hint">Not visible to the public: the link answers “Page not found”.</p>
        )}
      </section>

      {event.cancellation ? (
        <section className="card event-cancelled" aria-labelledby="cancelled-heading">
          <h2 id="cancelled-heading">Cancelled{event.cancellation.on ? ` on ${event.cancellation.on}` : ''}</h2>
          {event.cancellation.message ? <p className="event-cancelled__message">{event.cancellation.message}</p> : null}
          <p className="hint">
            {event.cancellation.windingDown > 0
              ? `${event.cancellation.windingDown} ${event.cancellation.windingDown === 1 ? 'order is' : 'orders are'} still being cancelled or refunded; this finishes on its own within minutes.`
              : 'Every order is cancelled or refunded.'}
          </p>
        </section>
      ) : null}
      {refused?.error && !refunding ? (
        <p className="errors" role="alert">
          {refused.error}
        </p>
      ) : null}

      {/* What the organizer can do with the event. */}
      <nav className="manage__actions actions" aria-label="Manage this event">
        <Link className="button" to={checkInHref}>
          Check in attendees
        </Link>
        {onPublicPage ? (
          <Link className="button" to={event.publicPath}>
            View public page
          </Link>
        ) : null}
        <a className="button" href={csvHref} download>
          Download CSV
        </a>
        {event.status === 'published' || event.status === 'unpublished' ? (
          <>
            <Form method="post">
              <button type="submit" name="intent" value="edit" className="button button--primary" disabled={busy}>
                Edit
              </button>
            </Form>
            <Form method="post">
              <button type="submit" name="intent" value={live ? 'unpublish' : 'republish'} className="button" disabled={busy}>
                {live ? 'Unpublish' : 'Publish again'}
              </button>
            </Form>
          </>
        ) : null}
        <Form method="post">
          <button type="submit" name="intent" value="duplicate" className="button" disabled={busy}>
            Duplicate
          </button>
        </Form>
        {event.cancellation ? null : (
          <Link className="button button--danger" to={`/events/${event.id}/cancel`}>
            Cancel event…
          </Link>
        )}
      </nav>

      <section className="manage__section" aria-labelledby="sales-heading">
        <h2 id="sales-heading">Sales</h2>
        <dl className="manage__figures">
          <div className="card">
            <dt>Sold</dt>
            <dd>{totals.sold}</dd>
          </div>
          <div className="card">
            <dt>Held for payment</dt>
            <dd>{totals.held}</dd>
          </div>
          <div className="card">
            <dt>Left</dt>
            <dd>{totals.capacity === null ? totals.left : `${totals.left} of ${totals.capacity}`}</dd>
          </div>
        </dl>
        <div className="manage__scroll">
          <table className="manage__table">
            <caption className="sr-only">Sales per ticket type</caption>
            <thead>
              <tr>
                <th scope="col">Ticket type</th>
                <th scope="col">Price</th>
                <th scope="col" className="manage__number">
                  Sold
                </th>
                <th scope="col" className="manage__number">
                  Held
                </th>
                <th scope="col" className="manage__number">
                  Left
                </th>
              </tr>
            </thead>
            <tbody>
              {tiers.map((tier) => (
                <tr key={tier.id}>
                  <th scope="row">
                    {tier.name}
                    {tier.hidden ? <span className="badge">Hidden</span> : null}
                    <span className="manage__sub">{tier.saleLabel}</span>
                  </th>
                  <td className="manage__price">{tier.price}</td>
                  <td className="manage__number">{tier.sold}</td>
                  <td className="manage__number">{tier.held}</td>
                  <td className="manage__number">
                    {tier.left}
                    <span className="manage__sub">{`of ${tier.quantity}`}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="hint">{orders.length > 0 ? `Orders: ${orders.join(' · ')}` : 'No orders yet.'}</p>
      </section>

      <section className="manage__section" aria-labelledby="revenue-heading">
        <h2 id="revenue-heading">Revenue</h2>
        {revenue.length === 0 ? (
          <p className="hint">Nothing sold yet.</p>
        ) : (
          revenue.map((money) => (
            <dl key={money.currency} className="card manage__revenue" aria-label={`Revenue in ${money.currency}`}>
              <div>
                <dt>Gross</dt>
                <dd>{money.gross}</dd>
              </div>
              <div>
                <dt>Platform fee</dt>
                <dd>{money.fee}</dd>
              </div>
              <div className="manage__net">
                <dt>Net</dt>
                <dd>{money.net}</dd>
              </div>
              {money.refunded ? (
                <div>
                  <dt>Refunded</dt>
                  <dd>{money.refunded}</dd>
                </div>
              ) : null}
            </dl>
          ))
        )}
      </section>

      {refunding ? (
        <section id="refund" className="card manage__refund" aria-labelledby="refund-heading">
          <h2 id="refund-heading">{refunding.amount ? `Refund ${refunding.amount}?` : 'Cancel this order?'}</h2>
          <p>
            {`${refunding.tickets} ${refunding.tickets === 1 ? 'ticket' : 'tickets'} of ${refunding.buyer}. `}
            {refunding.amount
              ? 'The payment goes back to the buyer through Stripe (your payout and the platform fee are reversed), the tickets become void and the seats are free again.'
              : 'The tickets become void and the seats are free again.'}
          </p>
          {refused?.error ? (
            <p className="errors" role="alert">
              {refused.error}
            </p>
          ) : null}
          <Form method="post" className="actions">
            <input type="hidden" name="orderId" value={refunding.orderId} />
            <button type="submit" className="button button--danger" disabled={busy}>
              {refunding.amount ? `Refund ${refunding.amount}` : 'Cancel order'}
            </button>
            <Link to={attendees.allHref}>Keep the order</Link>
          </Form>
        </section>
      ) : null}
      <AttendeeList attendees={attendees} />
    </main>
  )
}
