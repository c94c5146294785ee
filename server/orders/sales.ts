import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import type { Transaction } from '../../db/client'
import { withRls } from '../../db/rls'
import { eventTicketTiers, myEventsView, type OrderStatus, orderItems, orderStatuses, orders } from '../../db/schema'
import type { AuthenticatedClaims } from '../auth/identity'
import { notFound } from '../errors'
import type { OrderDeps } from './deps'
import { remainingSeats, saleStateOf } from './sale-state'

/** What reading an event's sales needs: the database and the clock (whether each tier sells now). */
export type SalesDeps = Pick<OrderDeps, 'db' | 'now'>

/**
 * The event, for its people only: `my_events` shows the caller the events they published and those of
 * their organizations, so anyone else — like an id that does not exist — gets NOT_FOUND.
 */
export async function eventOfItsPeople(tx: Transaction, eventId: string) {
  const [event] = await tx
    .select({
      id: myEventsView.id,
      title: myEventsView.title,
      slug: myEventsView.slug,
      status: myEventsView.status,
      cancelledAt: myEventsView.cancelledAt,
      cancellationMessage: myEventsView.cancellationMessage,
      startsAt: myEventsView.startsAt,
      endsAt: myEventsView.endsAt,
      timezone: myEventsView.timezone,
      capacity: myEventsView.capacity,
      reserved: myEventsView.reserved,
      organizationId: myEventsView.organizationId,
    })
    .from(myEventsView)
    .where(eq(myEventsView.id, eventId))
  if (!event) throw notFound('This event')
  return event
}

/** Money of one currency, in its minor units. */
export interface Revenue {
  currency: string
  /** What confirmed orders paid. */
  gross: number
  /** The platform's fee on those orders. */
  fee: number
  /** What the organizer keeps: gross − fee. */
  net: number
  /** What refunded orders had paid; not part of gross (their fee was refunded too). */
  refunded: number
}

/**
 * An event's sales for its people (publisher, organization members; anyone else: NOT_FOUND): each
 * tier's seats sold (confirmed orders), held (orders waiting for payment) and left; the money per
 * currency; how many orders stand in each status. One transaction, so the figures agree.
 */
export async function eventSales(deps: SalesDeps, claims: AuthenticatedClaims, eventId: string) {
  return withRls(deps.db, claims, async (tx) => {
    const event = await eventOfItsPeople(tx, eventId)
    const tiers = await tx
      .select({
        id: eventTicketTiers.id,
        name: eventTicketTiers.name,
        price: eventTicketTiers.price,
        currency: eventTicketTiers.currency,
        quantity: eventTicketTiers.quantity,
        reserved: eventTicketTiers.reserved,
        hidden: eventTicketTiers.hidden,
        salesStart: eventTicketTiers.salesStart,
        salesEnd: eventTicketTiers.salesEnd,
      })
      .from(eventTicketTiers)
      .where(eq(eventTicketTiers.eventId, event.id))
      .orderBy(asc(eventTicketTiers.position))
    const seats = await tx
      .select({ tierId: orderItems.tierId, status: orders.status, seats: sql`sum(${orderItems.quantity})`.mapWith(Number) })
      .from(orderItems)
      .innerJoin(orders, eq(orders.id, orderItems.orderId))
      .where(and(eq(orders.eventId, event.id), inArray(orders.status, ['confirmed', 'pending'])))
      .groupBy(orderItems.tierId, orders.status)
    const money = await tx
      .select({
        status: orders.status,
        currency: orders.currency,
        orders: sql`count(*)`.mapWith(Number),
        total: sql`sum(${orders.total})`.mapWith(Number),
        fee: sql`sum(${orders.applicationFee})`.mapWith(Number),
      })
      .from(orders)
      .where(eq(orders.eventId, event.id))
      .groupBy(orders.status, orders.currency)

    const seatsOf = (tierId: string, status: OrderStatus) => seats.find((row) => row.tierId === tierId && row.status === status)?.seats ?? 0
    const now = deps.now()
    const tierSales = tiers.map(({ reserved: _reserved, ...tier }, index) => ({
      ...tier,
      sold: seatsOf(tier.id, 'confirmed'),
      held: seatsOf(tier.id, 'pending'),
      // Seats left as a buyer would find them: the tier's own, and no more than the event has left.
      left: remainingSeats(tiers[index]!, event),
      saleState: saleStateOf(tiers[index]!, event, now),
    }))
    return {
      event,
      tiers: tierSales,
      totals: {
        sold: tierSales.reduce((sum, tier) => sum + tier.sold, 0),
        held: tierSales.reduce((sum, tier) => sum + tier.held, 0),
        left: seatsLeft(tiers, event),
        capacity: event.capacity,
      },
      revenue: revenueOf(money),
      orders: Object.fromEntries(
        orderStatuses.map((status) => [status, money.filter((row) => row.status === status).reduce((sum, row) => sum + row.orders, 0)]),
      ) as Record<OrderStatus, number>,
    }
  })
}

/** Seats left in the whole event: what its tiers have left, and no more than its capacity allows. */
function seatsLeft(tiers: { quantity: number; reserved: number }[], event: { capacity: number | null; reserved: number }): number {
  const ofTiers = tiers.reduce((sum, tier) => sum + tier.quantity - tier.reserved, 0)
  return event.capacity === null ? ofTiers : Math.max(0, Math.min(ofTiers, event.capacity - event.reserved))
}

/** Per currency that took money or gave it back: confirmed orders make the gross, refunded ones the refunds. */
function revenueOf(rows: { status: OrderStatus; currency: string; total: number; fee: number }[]): Revenue[] {
  const byCurrency = new Map<string, Revenue>()
  for (const row of rows) {
    if (row.status !== 'confirmed' && row.status !== 'refunded') continue
    const revenue = byCurrency.get(row.currency) ?? { currency: row.currency, gross: 0, fee: 0, net: 0, refunded: 0 }
    if (row.status === 'confirmed') {
      revenue.gross += row.total
      revenue.fee += row.fee
      revenue.net = revenue.gross - revenue.fee
    } else {
      revenue.refunded += row.total
    }
    byCurrency.set(row.currency, revenue)
  }
  return [...byCurrency.values()].sort((a, b) => a.currency.localeCompare(b.currency))
}

export type EventSales = Awaited<ReturnType<typeof eventSales>>
