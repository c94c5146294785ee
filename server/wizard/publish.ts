import { randomBytes } from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { Transaction } from '../../db/client'
import { pgConstraint, pgErrorCode, pgErrorCodes } from '../../db/errors'
import { withRls } from '../../db/rls'
import { eventTicketTiers, events, myEventsView, wizardSessions } from '../../db/schema'
import { DomainError, prefixIssues } from '../errors'
import { type Actor, audited } from './audit'
import { ensureOpen, evaluate, type LoadedSession, loadSession, type SessionRow, stageDataOf, type WizardDeps } from './session-state'
import { slugBase, slugCandidate } from './slug'
import type { EventSetup, SponsorsMedia, TicketSetup, VenueSetup } from './stage-schemas'
import { stageIds } from './stages'
import { canonicalTimeZone, scheduleOf } from './times'

export interface PublishedEvent {
  eventId: string
  slug: string
  sessionId: string
}

const MAX_SLUG_ATTEMPTS = 8

/**
 * Publishes the wizard in one transaction: everything is validated again, the event and its tiers are
 * created, the session is linked and completed. The session row is locked first, so a second publish
 * waits and then finds the event: publishing again, or ten times at once, returns the same event
 * (`events.session_id` is unique as the last guard).
 */
export async function publishWizard(deps: WizardDeps, actor: Actor, sessionId: string): Promise<PublishedEvent> {
  return audited(
    deps.db,
    actor,
    { action: 'publish', sessionId, stage: 'reviewPublish' },
    async (tx, entry) => {
      const now = deps.now()
      const row = await loadSession(tx, sessionId, { lock: true })
      entry.organizationId = row.organizationId
      if (row.eventId) return existingEvent(tx, row)
      ensureOpen(row, now)
      const data = stageDataOf(row)
      const { issues, details } = evaluate(row, data, now)
      const blocking = stageIds
        .filter((stage) => stage !== 'reviewPublish')
        .flatMap((stage) => prefixIssues(stage, issues[stage]))
      if (blocking.length > 0) {
        throw new DomainError('PRECONDITION_FAILED', 'Some stages are not complete yet.', { issues: blocking })
      }
      const event = await insertEvent(tx, row, actor.claims.sub, now)
      await tx
        .update(wizardSessions)
        .set({
          eventId: event.id,
          status: 'completed',
          currentStage: 'reviewPublish',
          completedStages: [...stageIds],
          completionDetails: { ...details, reviewPublish: 100 },
          completionPercentage: 100,
          reviewPublish: {},
          version: row.version + 1,
          lastInteractionAt: now,
        })
        .where(eq(wizardSessions.id, row.id))
      return { eventId: event.id, slug: event.slug, sessionId: row.id }
    },
    () => withRls(deps.db, actor.claims, async (tx) => existingEvent(tx, await loadSession(tx, sessionId, { lock: false }))),
  )
}

async function existingEvent(tx: Transaction, row: SessionRow): Promise<PublishedEvent> {
  // `session_id` is not a public column of events: the session's people read it in `my_events`.
  const [event] = await tx
    .select({ id: myEventsView.id, slug: myEventsView.slug })
    .from(myEventsView)
    .where(eq(myEventsView.sessionId, row.id))
  if (!event) throw new DomainError('NOT_FOUND', 'The published event was not found.')
  return { eventId: event.id, slug: event.slug, sessionId: row.id }
}

/** Builds the event from the validated stages; the meeting URL goes to `online_url` only, never `venue`. */
async function insertEvent(tx: Transaction, row: LoadedSession, publisherId: string, now: Date) {
  const eventSetup = row.eventSetup as EventSetup
  const venueSetup = row.venueSetup as VenueSetup
  const ticketSetup = row.ticketSetup as TicketSetup
  const sponsorsMedia = (row.sponsorsMedia ?? {}) as SponsorsMedia
  const schedule = scheduleOf(eventSetup)
  if ('issues' in schedule) throw new DomainError('PRECONDITION_FAILED', 'The event times are not valid.', { issues: schedule.issues })
  const paid = ticketSetup.tiers.some((tier) => tier.price > 0)
  const hasVenue = venueSetup.mode !== 'virtual'
  const hasOnline = venueSetup.mode !== 'physical'
  const values = {
    title: eventSetup.title.trim(),
    type: eventSetup.type,
    description: eventSetup.description?.trim() || null,
    startsAt: schedule.startsAt,
    endsAt: schedule.endsAt,
    timezone: canonicalTimeZone(eventSetup.timezone) ?? eventSetup.timezone,
    venueMode: venueSetup.mode,
    venue: hasVenue ? venueSetup.venue ?? null : null,
    onlineUrl: hasOnline ? venueSetup.online?.url ?? null : null,
    capacity: ticketSetup.totalCapacity ?? (hasVenue ? venueSetup.venue?.capacity : undefined) ?? null,
    // Validation let paid tiers through only with a verified account: the one the payments go to.
    paymentEnabled: paid,
    stripeAccountId: paid ? row.connectedAccount?.accountId ?? null : null,
    coverImageUrl: sponsorsMedia.skipped ? null : sponsorsMedia.coverImageUrl ?? null,
    sponsors: sponsorsMedia.skipped ? [] : sponsorsMedia.sponsors ?? [],
    status: 'published' as const,
    publishedAt: now,
    sessionId: row.id,
    organizationId: row.organizationId,
  }
  const base = slugBase(values.title)
  for (let attempt = 0; attempt < MAX_SLUG_ATTEMPTS; attempt++) {
    const slug = slugCandidate(base, attempt, () => randomBytes(3).toString('hex'))
    try {
      // A SAVEPOINT: a taken slug rolls back only this insert. A pre-check could not see other users' rows.
      const event = await tx.transaction(async (savepoint) => {
        const [inserted] = await savepoint
          .insert(events)
          .values({ ...values, userId: publisherId, slug })
          .returning({ id: events.id, slug: events.slug })
        return inserted!
      })
      await tx.insert(eventTicketTiers).values(
        ticketSetup.tiers.map((tier, position) => ({
          eventId: event.id,
          position,
          name: tier.name.trim(),
          description: tier.description?.trim() || null,
          price: tier.price,
          currency: tier.currency,
          quantity: tier.quantity,
          salesStart: tier.salesStart ? new Date(tier.salesStart) : null,
          salesEnd: tier.salesEnd ? new Date(tier.salesEnd) : null,
          minPerOrder: tier.minPerOrder ?? null,
          maxPerOrder: tier.maxPerOrder ?? null,
          hidden: tier.hidden ?? false,
        })),
      )
      return event
    } catch (error) {
      if (pgErrorCode(error) === pgErrorCodes.uniqueViolation && pgConstraint(error) === 'events_slug_key') continue
      throw error
    }
  }
  throw new Error(`no free slug for "${base}" after ${MAX_SLUG_ATTEMPTS} attempts`)
}
