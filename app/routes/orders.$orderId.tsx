import type { HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData, useRevalidator } from '@remix-run/react'
import { useEffect } from 'react'
import { pickLocale, presentEvent, venueFrom } from '../lib/event-presentation'
import { loadOrder, qrSvgOf, withKey } from '../lib/order-page.server'
import { orderStatusLabels } from '../lib/order-status'
import ordersCss from '../styles/orders.css?url'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: ordersCss }]

/**
 * The page may hold a key in its address and a meeting link: never cached. (The app's Referrer-Policy,
 * same-origin, already keeps the address from other sites.)
 */
export const headers: HeadersFunction = () => ({
  'Cache-Control': 'private, no-store',
  Vary: 'Accept-Language, Cookie',
})

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Your tickets for ${data.event.title} · Event Wizard` : 'Page not found · Event Wizard' },
  { name: 'robots', content: 'noindex' },
]

export async function loader(args: LoaderFunctionArgs) {
  const { order, key } = await loadOrder(args)
  const locale = pickLocale(args.request.headers.get('accept-language'))
  const event = presentEvent({ ...order.event, venue: venueFrom(order.event.venue), tiers: [] }, { locale })
  return {
    id: order.id,
    status: order.status,
    statusLabel: order.status === 'confirmed' && order.total > 0 ? 'Confirmed: payment received' : (orderStatusLabels[order.status] ?? order.status),
    refreshHref: new URL(args.request.url).pathname + new URL(args.request.url).search,
    buyerName: order.buyerName,
    buyerEmail: order.buyerEmail,
    event: { title: event.title, slug: order.event.slug, when: event.when, place: event.place },
    onlineUrl: order.onlineUrl,
    tickets: await Promise.all(order.tickets.map(async (ticket) => ({ ...ticket, qrSvg: await qrSvgOf(ticket.code) }))),
    calendarHref: withKey(`/orders/${order.id}/calendar.ics`, key),
    payHref: withKey(`/orders/${order.id}/pay`, key),
  }
}

/** While a payment is on its way, how often the page asks again (with JavaScript). */
const PAYMENT_POLL_MS = 2000

export default function OrderPage() {
  const order = useLoaderData<typeof loader>()
  const { when, place } = order.event
  const pending = order.status === 'pending'
  const { revalidate, state } = useRevalidator()
  // "Payment received" only once Stripe's webhook has confirmed it: until then the page asks again by itself.
  useEffect(() => {
    if (!pending || state !== 'idle') return
    const timer = setTimeout(revalidate, PAYMENT_POLL_MS)
    return () => clearTimeout(timer)
  }, [pending, state, revalidate])
  return (
    <main className="page order-page">
      <p className="order-page__status" role="status">
        {order.statusLabel}
      </p>
      {pending ? (
        <p className="order-page__pending">
          Your seats are held while the payment is confirmed; this takes a few seconds once you have paid.{' '}
          <a href={order.refreshHref} className="button">
            Refresh
          </a>{' '}
          <a href={order.payHref} className="button button--primary">
            Continue to payment
          </a>
        </p>
      ) : null}
      <h1>{order.event.title}</h1>
      <p>{`${order.buyerName} · ${order.buyerEmail}`}</p>
      <section className="card order-page__facts" aria-label="Date and place">
        <p>
          <time dateTime={when.startIso}>{`${when.startDate}, ${when.startTime}`}</time>
          {` (${when.timezone})`}
        </p>
        {place.venue ? (
          <address className="order-page__address">
            <strong>{place.venue.name}</strong>
            {place.venue.lines.map((line) => (
              <span key={line}>{line}</span>
            ))}
          </address>
        ) : null}
        {order.onlineUrl ? (
          <p className="order-page__online">
            Join online:{' '}
            <a href={order.onlineUrl} rel="noopener noreferrer">
              {order.onlineUrl}
            </a>
          </p>
        ) : null}
        <p>
          <a className="button" href={order.calendarHref} download="event.ics">
            Add to calendar
          </a>
        </p>
      </section>
      {order.tickets.length > 0 ? (
        <>
          <h2>{order.tickets.length === 1 ? 'Your ticket' : `Your ${order.tickets.length} tickets`}</h2>
          <ul className="order-page__tickets">
            {order.tickets.map((ticket) => (
              <li key={ticket.code} className="card order-page__ticket">
                <div className="order-page__qr" role="img" aria-label={`QR code of ticket ${ticket.code}`} dangerouslySetInnerHTML={{ __html: ticket.qrSvg }} />
                <div>
                  <p className="order-page__tier">{ticket.tierName}</p>
                  <p className="order-page__code">{ticket.code}</p>
                  {ticket.status === 'void' ? <p className="errors">This ticket is void.</p> : null}
                </div>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <p>
        <Link to={`/e/${order.event.slug}`}>Back to the event</Link>
      </p>
    </main>
  )
}
