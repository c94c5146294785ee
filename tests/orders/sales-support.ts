import { randomUUID } from 'node:crypto'
import { eq, sql } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { asServiceRole } from '../../db/rls'
import * as schema from '../../db/schema'
import { hashAccessKey } from '../../server/orders/access-keys'
import { newTicketCode } from '../../server/orders/ticket-codes'
import { NOW } from './support'

type Tier = typeof schema.eventTicketTiers.$inferSelect

export interface RecordedOrder {
  status: schema.OrderStatus
  lines: { tier: Tier; quantity: number }[]
  buyer?: { name: string; email: string }
  /** The platform's fee, in minor units. */
  fee?: number
  /** Each ticket's holder; the buyer's name when not given. */
  holders?: string[]
  /** When the tickets were issued (text, so microseconds survive); now when not given. */
  issuedAt?: string
}

/** A confirmed order's tickets are valid; a refund or a cancellation voids them; other orders have none. */
const ticketStatusOf: Record<schema.OrderStatus, 'valid' | 'void' | null> = {
  pending: null,
  expired: null,
  confirmed: 'valid',
  refunded: 'void',
  cancelled: 'void',
}

/**
 * An order in any status, as the order paths leave it (those that take money are not all built yet):
 * its items at the tiers' prices; seats counted while it is pending or confirmed; tickets for a
 * confirmed order, void ones for a refunded or cancelled one.
 */
export async function recordOrder(db: Database, eventId: string, order: RecordedOrder) {
  const orderId = randomUUID()
  const buyer = order.buyer ?? { name: 'Ada Lovelace', email: 'ada@example.test' }
  const seats = order.lines.reduce((sum, line) => sum + line.quantity, 0)
  const total = order.lines.reduce((sum, line) => sum + line.tier.price * line.quantity, 0)
  return asServiceRole(db, async (tx) => {
    await tx.insert(schema.orders).values({
      id: orderId,
      eventId,
      buyerName: buyer.name,
      buyerEmail: buyer.email,
      status: order.status,
      total,
      currency: order.lines[0]!.tier.currency,
      applicationFee: order.fee ?? 0,
      accessKeyHash: hashAccessKey(randomUUID()),
      expiresAt: order.status === 'pending' ? new Date(NOW.getTime() + 30 * 60_000) : null,
    })
    await tx
      .insert(schema.orderItems)
      .values(order.lines.map((line) => ({ orderId, tierId: line.tier.id, quantity: line.quantity, unitPrice: line.tier.price })))
    if (order.status === 'pending' || order.status === 'confirmed') {
      for (const line of order.lines) {
        await tx
          .update(schema.eventTicketTiers)
          .set({ reserved: sql`${schema.eventTicketTiers.reserved} + ${line.quantity}` })
          .where(eq(schema.eventTicketTiers.id, line.tier.id))
      }
      await tx
        .update(schema.events)
        .set({ reserved: sql`${schema.events.reserved} + ${seats}` })
        .where(eq(schema.events.id, eventId))
    }
    const ticketStatus = ticketStatusOf[order.status]
    if (ticketStatus) {
      let index = 0
      const ticketRows = order.lines.flatMap((line) =>
        Array.from({ length: line.quantity }, () => ({
          orderId,
          tierId: line.tier.id,
          eventId,
          code: newTicketCode(),
          holderName: order.holders?.[index++] ?? buyer.name,
          status: ticketStatus,
          ...(order.issuedAt ? { createdAt: sql`${order.issuedAt}::timestamptz` } : {}),
        })),
      )
      await tx.insert(schema.tickets).values(ticketRows)
    }
    const codes = await tx.select({ code: schema.tickets.code }).from(schema.tickets).where(eq(schema.tickets.orderId, orderId))
    return { orderId, codes: codes.map((row) => row.code) }
  })
}
