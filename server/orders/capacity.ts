import { and, eq, sql } from 'drizzle-orm'
import type { Transaction } from '../../db/client'
import { events, eventTicketTiers } from '../../db/schema'
import { DomainError } from '../errors'

/** Seats of one tier in an order: what reserving, releasing and issuing tickets need of it. */
export interface SeatLine {
  tier: { id: string; name: string }
  quantity: number
}

/**
 * Takes the order's seats inside its transaction: one conditional UPDATE per tier and one for the
 * event, each of which changes its row only if the seats are there. Postgres serializes the updates of
 * one row and re-checks the condition on the newest version, so no count is ever read and then trusted.
 * Tiers are taken in id order and the event last, so two orders never wait for each other in a cycle.
 * Nothing taken survives a refusal: the caller's transaction rolls back.
 */
export async function reserveSeats(tx: Transaction, eventId: string, lines: SeatLine[]): Promise<void> {
  const ordered = [...lines].sort((a, b) => (a.tier.id < b.tier.id ? -1 : 1))
  for (const { tier, quantity } of ordered) {
    const [taken] = await tx
      .update(eventTicketTiers)
      .set({ reserved: sql`${eventTicketTiers.reserved} + ${quantity}` })
      .where(
        and(
          eq(eventTicketTiers.id, tier.id),
          eq(eventTicketTiers.eventId, eventId),
          sql`${eventTicketTiers.reserved} + ${quantity} <= ${eventTicketTiers.quantity}`,
        ),
      )
      .returning({ id: eventTicketTiers.id })
    if (!taken) throw soldOut([tier.name], `not enough “${tier.name}” tickets are left`)
  }
  const seats = lines.reduce((sum, line) => sum + line.quantity, 0)
  const [event] = await tx
    .update(events)
    .set({ reserved: sql`${events.reserved} + ${seats}` })
    .where(and(eq(events.id, eventId), sql`(${events.capacity} is null or ${events.reserved} + ${seats} <= ${events.capacity})`))
    .returning({ id: events.id })
  if (!event)
    throw soldOut(
      lines.map((line) => line.tier.name),
      'the event has no more seats',
    )
}

function soldOut(tierNames: string[], reason: string): DomainError {
  const names = tierNames.map((name) => `“${name}”`).join(', ')
  return new DomainError('CONFLICT', `Sold out: ${reason} (${names}).`, {
    issues: [{ path: 'items', message: `Sold out: ${names}.` }],
  })
}
