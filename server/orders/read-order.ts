import { asc, desc, eq } from 'drizzle-orm'
import type { Transaction } from '../../db/client'
import { asServiceRole, withRls } from '../../db/rls'
import { events, eventTicketTiers, orderItems, orders, tickets } from '../../db/schema'
import type { AuthenticatedClaims } from '../auth/identity'
import { notFound } from '../errors'
import { accessKeyMatches } from './access-keys'
import { checkoutUrlOf } from './checkout'
import type { OrderDeps } from './deps'

/** How a request may reach an order: any one of them is enough. */
export interface OrderAccess {
  orderId: string
  /** From the link in the e-mail (`?key=`), or given by a typed client. */
  accessKey?: string
  /** From the HttpOnly cookie set when the order was placed in this browser. */
  cookieKey?: string
  /** The signed-in user: their own orders, and those of events they may read the orders of. */
  claims?: AuthenticatedClaims
}

/**
 * An order with its tickets, for whoever may see it; to anyone else it does not exist. For a signed-in
 * user RLS decides (buyer, publisher, organization member); a key holder is checked here, by hash in
 * constant time. Either way the order is then read as the service role: its event's meeting link and
 * hidden tiers are columns and rows `authenticated` may not read (drizzle/0009), and this view is the
 * one place that shows them, to whoever may see the order.
 */
export async function getOrder(deps: OrderDeps, access: OrderAccess) {
  if (access.claims) {
    const visible = await withRls(deps.db, access.claims, (tx) => tx.select({ id: orders.id }).from(orders).where(eq(orders.id, access.orderId)))
    if (visible.length > 0) {
      const view = await asServiceRole(deps.db, (tx) => orderView(tx, access.orderId))
      if (view) return view
    }
  }
  for (const key of [access.accessKey, access.cookieKey]) {
    if (!key) continue
    const view = await asServiceRole(deps.db, async (tx) => {
      const [order] = await tx.select({ hash: orders.accessKeyHash }).from(orders).where(eq(orders.id, access.orderId))
      return order && accessKeyMatches(key, order.hash) ? orderView(tx, access.orderId) : null
    })
    if (view) return view
  }
  throw notFound('This order')
}

export type OrderView = NonNullable<Awaited<ReturnType<typeof orderView>>>

async function orderView(tx: Transaction, orderId: string) {
  const [row] = await tx
    .select({
      order: {
        id: orders.id,
        status: orders.status,
        buyerName: orders.buyerName,
        buyerEmail: orders.buyerEmail,
        total: orders.total,
        currency: orders.currency,
        createdAt: orders.createdAt,
        confirmedAt: orders.confirmedAt,
      },
      event: {
        id: events.id,
        title: events.title,
        slug: events.slug,
        type: events.type,
        startsAt: events.startsAt,
        endsAt: events.endsAt,
        timezone: events.timezone,
        venueMode: events.venueMode,
        venue: events.venue,
        status: events.status,
      },
      onlineUrl: events.onlineUrl,
    })
    .from(orders)
    .innerJoin(events, eq(events.id, orders.eventId))
    .where(eq(orders.id, orderId))
  if (!row) return null
  const items = await tx
    .select({ tierId: orderItems.tierId, tierName: eventTicketTiers.name, quantity: orderItems.quantity, unitPrice: orderItems.unitPrice })
    .from(orderItems)
    .innerJoin(eventTicketTiers, eq(eventTicketTiers.id, orderItems.tierId))
    .where(eq(orderItems.orderId, orderId))
    .orderBy(asc(eventTicketTiers.position))
  const orderTickets = await tx
    .select({ code: tickets.code, tierName: eventTicketTiers.name, status: tickets.status, checkedInAt: tickets.checkedInAt })
    .from(tickets)
    .innerJoin(eventTicketTiers, eq(eventTicketTiers.id, tickets.tierId))
    .where(eq(tickets.orderId, orderId))
    .orderBy(asc(eventTicketTiers.position), asc(tickets.code))
  // The meeting link is shown here and nowhere else: to a confirmed order of an online or hybrid event.
  const showLink = row.order.status === 'confirmed' && row.event.venueMode !== 'physical'
  return { ...row.order, event: row.event, items, tickets: orderTickets, onlineUrl: showLink ? row.onlineUrl : null }
}

/** The signed-in buyer's orders, newest first. */
export async function myOrders(deps: OrderDeps, claims: AuthenticatedClaims, limit = 100) {
  return withRls(deps.db, claims, (tx) =>
    tx
      .select({
        id: orders.id,
        status: orders.status,
        total: orders.total,
        currency: orders.currency,
        createdAt: orders.createdAt,
        event: { title: events.title, slug: events.slug, startsAt: events.startsAt, timezone: events.timezone },
      })
      .from(orders)
      .innerJoin(events, eq(events.id, orders.eventId))
      .where(eq(orders.userId, claims.sub))
      .orderBy(desc(orders.createdAt))
      .limit(limit),
  )
}

/**
 * Where a pending order is paid, for whoever may see the order (as `getOrder` decides): its Checkout
 * page while that is open; null once the order is no longer waiting or the page has closed.
 */
export async function checkoutPageOf(deps: OrderDeps, access: OrderAccess): Promise<{ url: string | null }> {
  const order = await getOrder(deps, access)
  if (order.status !== 'pending' || !deps.payments) return { url: null }
  const [row] = await asServiceRole(deps.db, (tx) => tx.select({ sessionId: orders.stripeCheckoutSessionId }).from(orders).where(eq(orders.id, order.id)))
  return { url: await checkoutUrlOf(deps.payments, row?.sessionId ?? null) }
}
