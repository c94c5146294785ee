import { and, eq, sql } from 'drizzle-orm'
import type { Transaction } from '../../db/client'
import { events, eventTicketTiers, orderItems, orders, tickets } from '../../db/schema'
import type { SeatLine } from './capacity'

/** What an order can end as once it gives its seats back. */
export type ReleasedStatus = 'expired' | 'cancelled' | 'refunded'

const stampOf = (status: ReleasedStatus, now: Date) =>
  status === 'expired' ? { expiredAt: now } : status === 'cancelled' ? { cancelledAt: now } : { refundedAt: now }

/**
 * Ends an order that holds seats and gives them back, in the caller's transaction. The status change
 * is guarded by the status it leaves (`from`), so of two releases racing (the webhook, the sweeper, a
 * refund) exactly one changes the row and decrements the counters; the others get false.
 */
export async function releaseOrder(
  tx: Transaction,
  orderId: string,
  change: { from: 'pending' | 'confirmed'; to: ReleasedStatus },
  now: Date,
): Promise<boolean> {
  const [released] = await tx
    .update(orders)
    .set({ status: change.to, ...stampOf(change.to, now) })
    .where(and(eq(orders.id, orderId), eq(orders.status, change.from)))
    .returning({ eventId: orders.eventId })
  if (!released) return false
  await releaseSeats(tx, orderId, released.eventId)
  await tx
    .update(tickets)
    .set({ status: 'void' })
    .where(and(eq(tickets.orderId, orderId), eq(tickets.status, 'valid')))
  return true
}

/** The order's seats back to its tiers and event (tiers in id order, the event last, as reserving takes them). */
async function releaseSeats(tx: Transaction, orderId: string, eventId: string) {
  const items = await tx
    .select({ tierId: orderItems.tierId, quantity: orderItems.quantity })
    .from(orderItems)
    .where(eq(orderItems.orderId, orderId))
    .orderBy(orderItems.tierId)
  for (const item of items) {
    await tx
      .update(eventTicketTiers)
      .set({ reserved: sql`${eventTicketTiers.reserved} - ${item.quantity}` })
      .where(eq(eventTicketTiers.id, item.tierId))
  }
  const seats = items.reduce((sum, item) => sum + item.quantity, 0)
  await tx
    .update(events)
    .set({ reserved: sql`${events.reserved} - ${seats}` })
    .where(eq(events.id, eventId))
}

/** The order's lines as reserving and confirming need them: each tier (id and name) and its quantity. */
export async function linesOfOrder(tx: Transaction, orderId: string): Promise<SeatLine[]> {
  const rows = await tx
    .select({ id: eventTicketTiers.id, name: eventTicketTiers.name, quantity: orderItems.quantity })
    .from(orderItems)
    .innerJoin(eventTicketTiers, eq(eventTicketTiers.id, orderItems.tierId))
    .where(eq(orderItems.orderId, orderId))
  return rows.map((row) => ({ tier: { id: row.id, name: row.name }, quantity: row.quantity }))
}
