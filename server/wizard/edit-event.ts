import { isDeepStrictEqual } from 'node:util'
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import { queryRows, type Transaction } from '../../db/client'
import { pgConstraint, pgErrorCode, pgErrorCodes } from '../../db/errors'
import { events, eventTicketTiers, myEventsView, wizardSessions } from '../../db/schema'
import type { AuthenticatedClaims } from '../auth/identity'
import { DomainError, type FieldIssue } from '../errors'
import { assertMayChangeEvent } from './event-access'
import { eventFromStages, type TierFromStages } from './event-from-stages'
import {
  evaluate,
  type LoadedSession,
  loadSession,
  SESSION_LIFETIME_MS,
  saveChange,
  sessionColumns,
  stageDataOf,
  stateOf,
  type WizardState,
} from './session-state'
import { stageIds } from './stages'
import type { WizardData } from './validation'

const MAY_EDIT = "Only the event's publisher and its organization's owners and admins can edit it."
const CANCELLED = 'This event is cancelled: it can no longer be edited.'

/** The event, when the caller may edit it: one of its managers, and it is not cancelled. */
async function editableEvent(tx: Transaction, eventId: string) {
  const event = await assertMayChangeEvent(tx, eventId, MAY_EDIT)
  if (event.status === 'cancelled') throw new DomainError('CONFLICT', CANCELLED)
  return event
}

/**
 * Opens the edit session of a published (or unpublished) event: the same wizard, prefilled with the
 * stages it was last published from and its tiers' ids, waiting on the review. One per event (a
 * partial unique index): whoever else of its managers opens Edit resumes it, as it was left.
 */
export async function openEditSession(tx: Transaction, claims: AuthenticatedClaims, eventId: string, now: Date): Promise<WizardState> {
  const event = await editableEvent(tx, eventId)
  const open = await openEditOf(tx, eventId, now)
  if (open) return open
  if (!event.sessionId) throw new DomainError('PRECONDITION_FAILED', 'This event has no wizard to edit it from.')
  const stages = await stagesOfEvent(tx, eventId, stageDataOf(await loadSession(tx, event.sessionId, { lock: false })))
  try {
    // A savepoint: when another manager opened it a moment ago, their session is the one to resume.
    const created = await tx.transaction(async (savepoint) => {
      const [inserted] = await savepoint
        .insert(wizardSessions)
        .values({
          userId: claims.sub,
          organizationId: event.organizationId,
          editsEventId: eventId,
          ...stages,
          lastInteractionAt: now,
          expiresAt: new Date(now.getTime() + SESSION_LIFETIME_MS),
        })
        .returning({ id: wizardSessions.id })
      return inserted!
    })
    const row = await loadSession(tx, created.id, { lock: true })
    const progress = evaluate(row, stageDataOf(row), now)
    const done = stageIds.filter((stage) => stage !== 'reviewPublish' && progress.issues[stage].length === 0)
    return saveChange(tx, row, now, progress, {
      currentStage: stageIds.find((stage) => !done.includes(stage)) ?? 'reviewPublish',
      completedStages: done,
    })
  } catch (error) {
    if (pgErrorCode(error) === pgErrorCodes.uniqueViolation && pgConstraint(error) === 'wizard_sessions_one_open_edit_idx') {
      const resumed = await openEditOf(tx, eventId, now)
      if (resumed) return resumed
    }
    throw error
  }
}

/** The event's open edit session, kept for another week when it is resumed after its expiry. */
async function openEditOf(tx: Transaction, eventId: string, now: Date): Promise<WizardState | undefined> {
  const [open] = await tx
    .select(sessionColumns)
    .from(wizardSessions)
    .where(and(eq(wizardSessions.editsEventId, eventId), eq(wizardSessions.status, 'in_progress')))
  if (!open) return undefined
  if (open.expiresAt > now) return stateOf(open, now)
  const [kept] = await tx
    .update(wizardSessions)
    .set({ expiresAt: new Date(now.getTime() + SESSION_LIFETIME_MS), lastInteractionAt: now })
    .where(eq(wizardSessions.id, open.id))
    .returning({ expiresAt: wizardSessions.expiresAt })
  return stateOf({ ...open, expiresAt: kept!.expiresAt }, now)
}

/** The stages an event was last published from, each tier carrying its id (tiers are stored in stage order). */
async function stagesOfEvent(tx: Transaction, eventId: string, source: WizardData) {
  const tiers = await tx
    .select({ id: eventTicketTiers.id })
    .from(eventTicketTiers)
    .where(eq(eventTicketTiers.eventId, eventId))
    .orderBy(asc(eventTicketTiers.position))
  const tickets = source.ticketSetup as { tiers?: Record<string, unknown>[] } | undefined
  return {
    organizerSetup: source.organizerSetup,
    eventSetup: source.eventSetup,
    venueSetup: source.venueSetup,
    ticketSetup: tickets && { ...tickets, tiers: tickets.tiers?.map((tier, position) => ({ ...tier, id: tiers[position]?.id })) },
    sponsorsMedia: source.sponsorsMedia,
  }
}

/** What publishing an edit changed, for its caller and the attendees. */
export interface PublishedChanges {
  /** Confirmed attendees e-mailed because the date, time, venue or meeting link changed. */
  attendeesNotified: number
}

interface PublishedTier {
  id: string
  name: string
  currency: string
  reserved: number
  hasOrders: boolean
}

/**
 * Writes an edit session's stages over its event and tiers, in the caller's transaction. The tiers are
 * locked first (as placing an order does), so no order slips between the checks and the writes: a tier
 * with reserved seats stays, its quantity stays at least what is reserved, and the currency stays once
 * anything is sold. Prices change for new orders only (an order keeps the price it was placed at).
 * The slug and status stay. A changed date, time, venue or meeting link is e-mailed to every confirmed
 * attendee through the outbox, in this transaction.
 */
export async function publishChanges(tx: Transaction, row: LoadedSession): Promise<PublishedChanges & { id: string; slug: string }> {
  const eventId = row.editsEventId!
  await editableEvent(tx, eventId)
  const { event: changed, tiers } = eventFromStages(stageDataOf(row), row.connectedAccount?.accountId ?? null)
  const published = await lockTiers(tx, eventId)
  const [before] = await tx
    .select({
      slug: myEventsView.slug,
      reserved: myEventsView.reserved,
      startsAt: myEventsView.startsAt,
      endsAt: myEventsView.endsAt,
      timezone: myEventsView.timezone,
      venueMode: myEventsView.venueMode,
      venue: myEventsView.venue,
      onlineUrl: myEventsView.onlineUrl,
    })
    .from(myEventsView)
    .where(eq(myEventsView.id, eventId))
  const refusals = editRefusals(
    published,
    tiers,
    changed.capacity,
    before!.reserved,
    (row.ticketSetup as { totalCapacity?: number }).totalCapacity !== undefined,
  )
  if (refusals.length > 0) throw new DomainError('PRECONDITION_FAILED', 'These changes cannot be published.', { issues: refusals })

  await tx
    .update(events)
    .set({ ...changed, sessionId: row.id })
    .where(eq(events.id, eventId))
  const kept = new Set(tiers.flatMap((tier) => (tier.id ? [tier.id] : [])))
  const removed = published.filter((tier) => !kept.has(tier.id)).map((tier) => tier.id)
  if (removed.length > 0) await tx.delete(eventTicketTiers).where(inArray(eventTicketTiers.id, removed))
  const ids: string[] = []
  for (const { id, ...tier } of tiers) {
    if (id) {
      await tx.update(eventTicketTiers).set(tier).where(eq(eventTicketTiers.id, id))
      ids.push(id)
    } else {
      const [added] = await tx
        .insert(eventTicketTiers)
        .values({ ...tier, eventId })
        .returning({ id: eventTicketTiers.id })
      ids.push(added!.id)
    }
  }
  // The session now names every tier, the new ones too: the next edit starts from it.
  const ticketSetup = row.ticketSetup as { tiers: Record<string, unknown>[] }
  await tx
    .update(wizardSessions)
    .set({ ticketSetup: { ...ticketSetup, tiers: ticketSetup.tiers.map((tier, position) => ({ ...tier, id: ids[position] })) } })
    .where(eq(wizardSessions.id, row.id))

  const moved =
    before!.startsAt.getTime() !== changed.startsAt.getTime() ||
    (before!.endsAt?.getTime() ?? null) !== (changed.endsAt?.getTime() ?? null) ||
    before!.timezone !== changed.timezone ||
    before!.venueMode !== changed.venueMode ||
    // jsonb keeps its own key order: compare the venues as values, not as text.
    !isDeepStrictEqual(before!.venue ?? null, changed.venue) ||
    before!.onlineUrl !== changed.onlineUrl
  let attendeesNotified = 0
  if (moved) {
    const [queued] = await queryRows<{ queued: number }>(tx, sql`select event_wizard.queue_event_change_emails(${eventId}) as queued`)
    attendeesNotified = queued?.queued ?? 0
  }
  return { id: eventId, slug: before!.slug, attendeesNotified }
}

/** The event's tiers, locked for the rest of the transaction, with what was sold of each. */
async function lockTiers(tx: Transaction, eventId: string): Promise<PublishedTier[]> {
  return queryRows<PublishedTier & Record<string, unknown>>(
    tx,
    sql`select t.id, t.name, t.currency, t.reserved,
               exists (select 1 from event_wizard.order_items i where i.tier_id = t.id) as "hasOrders"
          from event_wizard.event_ticket_tiers t
         where t.event_id = ${eventId}
         order by t.position
           for update of t`,
  )
}

/** Why the edit cannot be published, as issues on the fields the organizer changes to fix it. */
function editRefusals(
  published: PublishedTier[],
  tiers: TierFromStages[],
  capacity: number | null,
  eventReserved: number,
  totalCapacityGiven: boolean,
): FieldIssue[] {
  const issues: FieldIssue[] = []
  const byId = new Map(published.map((tier) => [tier.id, tier]))
  const kept = new Set(tiers.flatMap((tier) => (tier.id ? [tier.id] : [])))
  for (const tier of published) {
    if (kept.has(tier.id)) continue
    if (tier.reserved > 0) {
      issues.push({
        path: 'ticketSetup.tiers',
        message: `"${tier.name}" has ${tier.reserved} reserved ${tier.reserved === 1 ? 'seat' : 'seats'}: it cannot be removed. Hide it, or lower its quantity to stop its sales.`,
      })
    } else if (tier.hasOrders) {
      issues.push({ path: 'ticketSetup.tiers', message: `"${tier.name}" has past orders, which keep their tier: hide it instead of removing it.` })
    }
  }
  tiers.forEach((tier, index) => {
    if (!tier.id) return
    const before = byId.get(tier.id)
    if (!before) {
      issues.push({ path: `ticketSetup.tiers.${index}.id`, message: "This is not one of the event's tiers: leave the id out for a new tier." })
      return
    }
    if (tier.quantity < before.reserved) {
      issues.push({
        path: `ticketSetup.tiers.${index}.quantity`,
        message: `${before.reserved} tickets of "${before.name}" are already reserved: offer at least ${before.reserved}.`,
      })
    }
  })
  const sold = published.find((tier) => tier.hasOrders)
  if (sold && tiers.some((tier) => tier.currency !== sold.currency)) {
    issues.push({ path: 'ticketSetup.tiers.0.currency', message: `Tickets were already sold in ${sold.currency}: the currency cannot change.` })
  }
  if (capacity !== null && capacity < eventReserved) {
    // The event's capacity is the tickets stage's total, or else the venue's.
    issues.push({
      path: totalCapacityGiven ? 'ticketSetup.totalCapacity' : 'venueSetup.venue.capacity',
      message: `${eventReserved} seats are already reserved: the capacity must be at least ${eventReserved}.`,
    })
  }
  return issues
}
