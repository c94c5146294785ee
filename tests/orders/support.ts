import { eq } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { asServiceRole } from '../../db/rls'
import * as schema from '../../db/schema'
import type { OrderDeps } from '../../server/orders/deps'
import { createEvent, createUser, type TestUser, tierValues } from '../support/fixtures'

/** Every order test runs at this moment: a month before the fixture events start (2030-10-01). */
export const NOW = new Date('2030-09-01T12:00:00Z')

export const orderDeps = (db: Database): OrderDeps => ({ db, now: () => NOW, accessSecret: 'order-test-secret' })

/** A published event with the given tiers (free, 100 seats each unless said otherwise). */
export async function eventWithTiers(
  db: Database,
  tiers: Partial<typeof schema.eventTicketTiers.$inferInsert>[],
  event: Partial<typeof schema.events.$inferInsert> = {},
  publisher?: TestUser,
) {
  const owner = publisher ?? (await createUser(db, 'publisher'))
  const created = await createEvent(db, owner, event)
  const rows = await asServiceRole(db, (tx) =>
    tx
      .insert(schema.eventTicketTiers)
      .values(tiers.map((tier, position) => ({ ...tierValues(created.id, position), ...tier })))
      .returning(),
  )
  return { event: created, tiers: rows, publisher: owner }
}

/** What the database holds for an event: its counters, orders, tickets and queued e-mails. */
export async function salesOf(db: Database, eventId: string) {
  return asServiceRole(db, async (tx) => {
    const [event] = await tx.select({ reserved: schema.events.reserved }).from(schema.events).where(eq(schema.events.id, eventId))
    const tiers = await tx
      .select({ id: schema.eventTicketTiers.id, reserved: schema.eventTicketTiers.reserved })
      .from(schema.eventTicketTiers)
      .where(eq(schema.eventTicketTiers.eventId, eventId))
    const orders = await tx.select().from(schema.orders).where(eq(schema.orders.eventId, eventId))
    const tickets = await tx.select().from(schema.tickets).where(eq(schema.tickets.eventId, eventId))
    const emails = (await tx.select().from(schema.emailOutbox)).filter((email) =>
      orders.some((order) => (email.payload as { orderId?: string }).orderId === order.id),
    )
    return { reserved: event!.reserved, tiers, orders, tickets, emails }
  })
}
