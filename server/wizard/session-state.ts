import { eq } from 'drizzle-orm'
import type { Database, Transaction } from '../../db/client'
import { wizardSessions } from '../../db/schema'
import { DomainError, type FieldIssue, notFound } from '../errors'
import { wizardProgress } from './progress'
import { type StageId, stageIds } from './stages'
import { paymentStatusFor, type PaymentStatus, type WizardData } from './validation'

export type SessionRow = typeof wizardSessions.$inferSelect

/** What the core needs from outside: the database and the clock. */
export interface WizardDeps {
  db: Database
  now: () => Date
}

/** A wizard as every door shows it: data, where it stands, what is missing. */
export interface WizardState {
  sessionId: string
  organizationId: string | null
  status: SessionRow['status']
  currentStage: StageId
  completedStages: StageId[]
  reachedStages: StageId[]
  data: WizardData
  progress: { percentage: number; stages: Record<StageId, number> }
  issues: Record<StageId, FieldIssue[]>
  paymentStatus: PaymentStatus
  version: number
  eventId: string | null
  updatedAt: Date
  expiresAt: Date
}

/** Sliding expiry: every change keeps an unfinished wizard for another week. */
export const SESSION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000

export const stageDataOf = (row: SessionRow): WizardData =>
  Object.fromEntries(stageIds.map((stage) => [stage, row[stage] ?? undefined])) as WizardData

/** Reached stages: the completed ones and the current one. */
export const reachedStagesOf = (row: Pick<SessionRow, 'completedStages' | 'currentStage'>): StageId[] =>
  stageIds.filter((stage) => stage === row.currentStage || row.completedStages.includes(stage))

/**
 * Where the payment stage stands. Connected accounts live in payment_accounts, which only the server
 * reads; until Stripe Connect onboarding exists (the payments issue) no account is ever connected,
 * so paid tiers keep the stage incomplete.
 */
export const connectedAccountState = (): 'none' | 'pending' | 'verified' => 'none'

export function evaluate(row: SessionRow, data: WizardData, now: Date) {
  const paymentStatus = paymentStatusFor(data.ticketSetup, connectedAccountState())
  const progress = wizardProgress({ now, data, paymentStatus, published: row.eventId !== null })
  return { paymentStatus, ...progress }
}

export function stateOf(row: SessionRow, now: Date): WizardState {
  const data = stageDataOf(row)
  const { paymentStatus, details, percentage, issues } = evaluate(row, data, now)
  return {
    sessionId: row.id,
    organizationId: row.organizationId,
    status: row.status,
    currentStage: row.currentStage,
    completedStages: stageIds.filter((stage) => row.completedStages.includes(stage)),
    reachedStages: reachedStagesOf(row),
    data,
    progress: { percentage, stages: details },
    issues,
    paymentStatus,
    version: row.version,
    eventId: row.eventId,
    updatedAt: row.updatedAt,
    expiresAt: row.expiresAt,
  }
}

/** Reads a session the caller may see; locked for the rest of the transaction when `lock`. */
export async function loadSession(tx: Transaction, sessionId: string, options: { lock: boolean }): Promise<SessionRow> {
  const query = tx.select().from(wizardSessions).where(eq(wizardSessions.id, sessionId))
  const [row] = options.lock ? await query.for('update') : await query
  if (!row) throw notFound('This wizard')
  return row
}

/** Changes need an unfinished, unexpired wizard. */
export function ensureOpen(row: SessionRow, now: Date): void {
  if (row.status === 'completed') {
    throw new DomainError('PRECONDITION_FAILED', 'This event is already published; this wizard is finished.')
  }
  if (row.status === 'abandoned') throw new DomainError('PRECONDITION_FAILED', 'This wizard was abandoned.')
  if (row.status === 'expired' || row.expiresAt.getTime() <= now.getTime()) {
    throw new DomainError('PRECONDITION_FAILED', 'This wizard expired after a week without changes. Start a new one.')
  }
}

/**
 * Writes a change to a locked session with what every change stores alongside it: the progress of
 * the same data, the next version, and a week more before it expires.
 */
export async function saveChange(
  tx: Transaction,
  row: SessionRow,
  now: Date,
  progress: { details: Record<StageId, number>; percentage: number },
  changes: Partial<typeof wizardSessions.$inferInsert>,
): Promise<WizardState> {
  const [updated] = await tx
    .update(wizardSessions)
    .set({
      ...changes,
      completionDetails: progress.details,
      completionPercentage: progress.percentage,
      version: row.version + 1,
      lastInteractionAt: now,
      expiresAt: new Date(now.getTime() + SESSION_LIFETIME_MS),
    })
    .where(eq(wizardSessions.id, row.id))
    .returning()
  return stateOf(updated!, now)
}
