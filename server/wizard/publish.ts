import { randomBytes } from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { Transaction } from '../../db/client'
import { pgConstraint, pgErrorCode, pgErrorCodes } from '../../db/errors'
import { withRls } from '../../db/rls'
import { events, eventTicketTiers, myEventsView, wizardSessions } from '../../db/schema'
import { DomainError, prefixIssues } from '../errors'
import { type Actor, audited } from './audit'
import { publishChanges } from './edit-event'
import { eventFromStages } from './event-from-stages'
import { ensureOpen, evaluate, type LoadedSession, loadSession, type SessionRow, stageDataOf, type WizardDeps } from './session-state'
import { slugBase, slugCandidate } from './slug'
import { stageIds } from './stages'

export interface PublishedEvent {
  eventId: string
  slug: string
  sessionId: string
  /** Publishing an edit session: the confirmed attendees e-mailed about a new date, time or place. */
  attendeesNotified?: number
}

const MAX_SLUG_ATTEMPTS = 8

/**
 * Publishes the wizard in one transaction: everything is validated again, the event and its tiers are
 * created (or, for an edit session, changed in place: `publishChanges`), the session is linked and completed. The session row is locked first, so a second publish
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
      const blocking = stageIds.filter((stage) => stage !== 'reviewPublish').flatMap((stage) => prefixIssues(stage, issues[stage]))
      if (blocking.length > 0) {
        throw new DomainError('PRECONDITION_FAILED', 'Some stages are not complete yet.', { issues: blocking })
      }
      const event = row.editsEventId ? await publishChanges(tx, row) : await insertEvent(tx, row, actor.claims.sub, now)
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
      const { id: eventId, ...published } = event
      return { eventId, sessionId: row.id, ...published }
    },
    () => withRls(deps.db, actor.claims, async (tx) => existingEvent(tx, await loadSession(tx, sessionId, { lock: false }))),
  )
}

async function existingEvent(tx: Transaction, row: SessionRow): Promise<PublishedEvent> {
  const [event] = await tx.select({ id: myEventsView.id, slug: myEventsView.slug }).from(myEventsView).where(eq(myEventsView.id, row.eventId!))
  if (!event) throw new DomainError('NOT_FOUND', 'The published event was not found.')
  return { eventId: event.id, slug: event.slug, sessionId: row.id }
}

/** Creates the event and its tiers from the validated stages, under a free slug. */
async function insertEvent(tx: Transaction, row: LoadedSession, publisherId: string, now: Date) {
  const { event: fromStages, tiers } = eventFromStages(stageDataOf(row), row.connectedAccount?.accountId ?? null)
  const values = { ...fromStages, status: 'published' as const, publishedAt: now, sessionId: row.id, organizationId: row.organizationId }
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
      await tx.insert(eventTicketTiers).values(tiers.map(({ id: _new, ...tier }) => ({ ...tier, eventId: event.id })))
      return event
    } catch (error) {
      if (pgErrorCode(error) === pgErrorCodes.uniqueViolation && pgConstraint(error) === 'events_slug_key') continue
      throw error
    }
  }
  throw new Error(`no free slug for "${base}" after ${MAX_SLUG_ATTEMPTS} attempts`)
}
