import { and, desc, eq, gt, isNull, sql } from 'drizzle-orm'
import type { Transaction } from '../../db/client'
import { pgErrorCode, pgErrorCodes } from '../../db/errors'
import { withRls } from '../../db/rls'
import { myEventsView, wizardSessions } from '../../db/schema'
import type { AuthenticatedClaims } from '../auth/identity'
import { DomainError, notFound } from '../errors'
import { type Actor, audited } from './audit'
import { stagesOfCopy } from './copy-event'
import { openEditSession } from './edit-event'
import {
  evaluate,
  loadSession,
  SESSION_LIFETIME_MS,
  saveChange,
  sessionColumns,
  stageDataOf,
  stateOf,
  type WizardDeps,
  type WizardState,
} from './session-state'

/**
 * Resumes the caller's newest unfinished wizard (in the organization, or their personal one), or
 * starts one; `fresh` always starts one. Starting in an organization needs membership (RLS).
 * `copyFromEventId` starts one prefilled from one of the caller's events (see `copyEvent`);
 * `editEventId` opens (or resumes) the edit session of a published event (see `openEditSession`).
 */
export async function createWizard(
  deps: WizardDeps,
  claims: AuthenticatedClaims,
  input: { organizationId?: string; fresh?: boolean; copyFromEventId?: string; editEventId?: string },
): Promise<WizardState> {
  const now = deps.now()
  try {
    return await withRls(deps.db, claims, async (tx) => {
      if (input.copyFromEventId) return copyEvent(tx, claims, input.copyFromEventId, now)
      if (input.editEventId) return openEditSession(tx, claims, input.editEventId, now)
      if (!input.fresh) {
        const [newest] = await tx
          .select(sessionColumns)
          .from(wizardSessions)
          .where(
            and(
              eq(wizardSessions.userId, claims.sub),
              eq(wizardSessions.status, 'in_progress'),
              isNull(wizardSessions.editsEventId),
              input.organizationId ? eq(wizardSessions.organizationId, input.organizationId) : isNull(wizardSessions.organizationId),
            ),
          )
          .orderBy(desc(wizardSessions.updatedAt))
          .limit(1)
        if (newest && newest.expiresAt > now) return stateOf(newest, now)
      }
      const [created] = await tx
        .insert(wizardSessions)
        .values({
          userId: claims.sub,
          organizationId: input.organizationId ?? null,
          lastInteractionAt: now,
          expiresAt: new Date(now.getTime() + SESSION_LIFETIME_MS),
        })
        .returning({ id: wizardSessions.id })
      // Read back with the organization's connected account, which a new session already shares.
      return stateOf(await loadSession(tx, created!.id, { lock: false }), now)
    })
  } catch (error) {
    // RLS refuses a session in an organization the caller does not belong to: not found, not "forbidden".
    if (pgErrorCode(error) === pgErrorCodes.insufficientPrivilege) throw notFound('This organization')
    throw error
  }
}

export async function getWizard(deps: WizardDeps, claims: AuthenticatedClaims, sessionId: string): Promise<WizardState> {
  return withRls(deps.db, claims, async (tx) => stateOf(await loadSession(tx, sessionId, { lock: false }), deps.now()))
}

/** Gives up an unfinished wizard; abandoning it again changes nothing. */
export async function abandonWizard(deps: WizardDeps, actor: Actor, sessionId: string): Promise<WizardState> {
  return audited(
    deps.db,
    actor,
    { action: 'abandon', sessionId },
    async (tx, entry) => {
      const now = deps.now()
      const row = await loadSession(tx, sessionId, { lock: true })
      entry.organizationId = row.organizationId
      if (row.status === 'abandoned') return stateOf(row, now)
      if (row.status === 'completed') {
        throw new DomainError('PRECONDITION_FAILED', 'This event is already published; unpublish the event instead.')
      }
      const [updated] = await tx
        .update(wizardSessions)
        .set({ status: 'abandoned', version: row.version + 1, lastInteractionAt: now })
        .where(eq(wizardSessions.id, row.id))
        .returning()
      return stateOf({ ...updated!, connectedAccount: row.connectedAccount }, now)
    },
    () => getWizard(deps, actor.claims, sessionId),
  )
}

/** Unfinished wizards the caller can see (their own and their organizations'), newest first. */
export async function listUnfinishedWizards(deps: WizardDeps, claims: AuthenticatedClaims) {
  return withRls(deps.db, claims, (tx) =>
    tx
      .select({
        sessionId: wizardSessions.id,
        organizationId: wizardSessions.organizationId,
        mine: sql<boolean>`${wizardSessions.userId} = ${claims.sub}`,
        title: sql<string | null>`${wizardSessions.eventSetup} ->> 'title'`,
        currentStage: wizardSessions.currentStage,
        completionPercentage: wizardSessions.completionPercentage,
        updatedAt: wizardSessions.updatedAt,
        expiresAt: wizardSessions.expiresAt,
      })
      .from(wizardSessions)
      // Changes to a published event are reached from its page, not listed as drafts.
      .where(and(eq(wizardSessions.status, 'in_progress'), gt(wizardSessions.expiresAt, deps.now()), isNull(wizardSessions.editsEventId)))
      .orderBy(desc(wizardSessions.updatedAt))
      .limit(50),
  )
}

/**
 * A new wizard for the same event again (next season's show): the stages of the one that published it,
 * without dates and sales windows (`stagesOfCopy`), in the same organization, waiting on the Event
 * stage for the new dates. Only the event's people can copy it: anyone else gets NOT_FOUND.
 */
async function copyEvent(tx: Transaction, claims: AuthenticatedClaims, eventId: string, now: Date): Promise<WizardState> {
  const [source] = await tx
    .select({ sessionId: myEventsView.sessionId, organizationId: myEventsView.organizationId })
    .from(myEventsView)
    .where(eq(myEventsView.id, eventId))
  if (!source?.sessionId) throw notFound('This event')
  const copied = stagesOfCopy(stageDataOf(await loadSession(tx, source.sessionId, { lock: false })))
  const [created] = await tx
    .insert(wizardSessions)
    .values({
      userId: claims.sub,
      organizationId: source.organizationId,
      ...copied,
      lastInteractionAt: now,
      expiresAt: new Date(now.getTime() + SESSION_LIFETIME_MS),
    })
    .returning({ id: wizardSessions.id })
  const row = await loadSession(tx, created!.id, { lock: true })
  const progress = evaluate(row, stageDataOf(row), now)
  const organizerDone = progress.issues.organizerSetup.length === 0
  return saveChange(tx, row, now, progress, {
    currentStage: organizerDone ? 'eventSetup' : 'organizerSetup',
    completedStages: organizerDone ? ['organizerSetup'] : [],
  })
}
