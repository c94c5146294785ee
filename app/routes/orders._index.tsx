import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { callerFor } from '../lib/caller.server'
import { pickLocale } from '../lib/event-presentation'
import { dateTimeFormat } from '../lib/intl-formats'
import { orderStatusLabels } from '../lib/order-status'
import { requireUser } from '../lib/session.server'

export const meta: MetaFunction = () => [{ title: 'My tickets · Event Wizard' }]

/** "My tickets": the orders placed while signed in, newest first, each opening its order page. */
export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args)
  const orders = await (await callerFor(args)).orders.mine()
  const locale = pickLocale(args.request.headers.get('accept-language'))
  return {
    orders: orders.map((order) => ({
      id: order.id,
      title: order.event.title,
      status: orderStatusLabels[order.status] ?? order.status,
      when: dateTimeFormat(locale, { timeZone: order.event.timezone, dateStyle: 'medium', timeStyle: 'short' }).format(order.event.startsAt),
    })),
  }
}

export default function MyTickets() {
  const { orders } = useLoaderData<typeof loader>()
  return (
    <main className="page page--narrow">
      <h1>My tickets</h1>
      {orders.length === 0 ? (
        <p className="hint">Tickets you book while signed in appear here.</p>
      ) : (
        <ul className="stack">
          {orders.map((order) => (
            <li key={order.id} className="card">
              <Link to={`/orders/${order.id}`}>{order.title}</Link>
              <p className="hint">{`${order.when} · ${order.status}`}</p>
            </li>
          ))}
        </ul>
      )}
    </main>
  )
}
