import { eq, getTableColumns, sql } from 'drizzle-orm'
import type { Database, Transaction } from '../../db/client'
import { wizardSessions } from '../../db/schema'
import { DomainError, type FieldIssue, notFound } from '../errors'
import { wizardProgress } from './progress'
import type { PaymentSetup } from './stage-schemas'
import { type StageId, stageIds } from './stages'
import { type PaymentStatus, paymentStatusFor, type WizardData } from './validation'

export type SessionRow = typeof wizardSessions.$inferSelect

/** The Stripe account that takes the payments of a session's paid tickets, as the wizard shows it. */
export interface ConnectedAccount {
  accountId: string
  chargesEnabled: boolean
  detailsSubmitted: boolean
  /** What Stripe still needs before charges are enabled (`requirements.currently_due`). */
  requirements: string[]
}

/** A session as the core reads it: its row, and the connected account of its organization (or owner). */
export type LoadedSession = SessionRow & { connectedAccount: ConnectedAccount | null }

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
  /** An edit session's published event: publishing it publishes changes to that event. */
  editsEventId: string | null
  updatedAt: Date
  expiresAt: Date
}

/** Sliding expiry: every change keeps an unfinished wizard for another week. */
export const SESSION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000

export const stageDataOf = (row: SessionRow): WizardData => Object.fromEntries(stageIds.map((stage) => [stage, row[stage] ?? undefined])) as WizardData

/** Reached stages: the completed ones and the current one. */
export const reachedStagesOf = (row: Pick<SessionRow, 'completedStages' | 'currentStage'>): StageId[] =>
  stageIds.filter((stage) => stage === row.currentStage || row.completedStages.includes(stage))

/** Where the organizer's payouts stand: no account (or a disconnected one), Stripe still checking, or charges enabled. */
export const connectedAccountState = (account: ConnectedAccount | null): 'none' | 'pending' | 'verified' =>
  account === null ? 'none' : account.chargesEnabled ? 'verified' : 'pending'

/** The payment stage's data: written by the server only, from the connected account. */
export function paymentSetupOf(status: PaymentStatus, account: ConnectedAccount | null): PaymentSetup {
  if (account === null) return { status }
  return {
    status,
    accountId: account.accountId,
    chargesEnabled: account.chargesEnabled,
    ...(account.chargesEnabled ? {} : { requirements: account.requirements }),
  }
}

export function evaluate(row: LoadedSession, data: WizardData, now: Date) {
  const paymentStatus = paymentStatusFor(data.ticketSetup, connectedAccountState(row.connectedAccount))
  const progress = wizardProgress({ now, data, paymentStatus, published: row.eventId !== null })
  return { paymentStatus, ...progress }
}

export type Evaluation = ReturnType<typeof evaluate>

export const stateOf = (row: LoadedSession, now: Date): WizardState => stateWith(row, evaluate(row, stageDataOf(row), now))

/** The state of a row whose stored data `evaluation` was made from. */
function stateWith(row: LoadedSession, evaluation: Evaluation): WizardState {
  const stored = stageDataOf(row)
  const { paymentStatus, details, percentage, issues } = evaluation
  // The account may have changed since the session was last written (a webhook, another event of the
  // organization): the payment stage always shows it as it is now.
  const data = { ...stored, paymentSetup: paymentSetupOf(paymentStatus, row.connectedAccount) }
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
    editsEventId: row.editsEventId,
    updatedAt: row.updatedAt,
    expiresAt: row.expiresAt,
  }
}

/** The stored account as JSON: postgres.js hands it over as text, PGlite as an object. */
function parseConnectedAccount(value: unknown): ConnectedAccount | null {
  const account = typeof value === 'string' ? (JSON.parse(value) as unknown) : value
  if (!account || typeof account !== 'object') return null
  const { accountId, chargesEnabled, detailsSubmitted, requirements } = account as Record<string, unknown>
  return {
    accountId: String(accountId),
    chargesEnabled: chargesEnabled === true,
    detailsSubmitted: detailsSubmitted === true,
    requirements: Array.isArray(requirements) ? requirements.filter((item): item is string => typeof item === 'string') : [],
  }
}

/**
 * A session's columns and its connected account, in one statement. payment_accounts has no policy for
 * users, so the account comes from a SECURITY DEFINER function that applies the sessions' read rule.
 */
export const sessionColumns = {
  ...getTableColumns(wizardSessions),
  connectedAccount: sql`event_wizard.connected_account_of_session(${wizardSessions.id})`.mapWith(parseConnectedAccount),
}

/** Reads a session the caller may see; locked for the rest of the transaction when `lock`. */
export async function loadSession(tx: Transaction, sessionId: string, options: { lock: boolean }): Promise<LoadedSession> {
  const query = tx.select(sessionColumns).from(wizardSessions).where(eq(wizardSessions.id, sessionId))
  const [row] = options.lock ? await query.for('update') : await query
  if (!row) throw notFound('This wizard')
  return row
}

/**
 * The start of every change: the session locked for the transaction, its organization noted on the
 * audit entry, and refused unless it is still open.
 */
export async function lockOpenSession(tx: Transaction, sessionId: string, entry: { organizationId?: string | null }, now: Date): Promise<LoadedSession> {
  const row = await loadSession(tx, sessionId, { lock: true })
  entry.organizationId = row.organizationId
  ensureOpen(row, now)
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
 * Stores a change to a locked session with what every change stores alongside it: the progress of the
 * same data, the payment stage as the connected account makes it, the completed stages less any that
 * no longer validates (a smaller venue can invalidate tickets), the next version, and — for the
 * organizer's own changes, not a webhook's — a week more before it expires. `progress` is the
 * evaluation of the data as stored after the change; the returned state reuses it.
 */
export async function saveChange(
  tx: Transaction,
  row: LoadedSession,
  now: Date,
  progress: Evaluation,
  changes: Omit<Partial<typeof wizardSessions.$inferInsert>, 'paymentSetup'>,
  { byOrganizer = true }: { byOrganizer?: boolean } = {},
): Promise<WizardState> {
  const [updated] = await tx
    .update(wizardSessions)
    .set({
      ...changes,
      paymentSetup: paymentSetupOf(progress.paymentStatus, row.connectedAccount),
      completedStages: (changes.completedStages ?? row.completedStages).filter((stage) => progress.issues[stage].length === 0),
      completionDetails: progress.details,
      completionPercentage: progress.percentage,
      version: row.version + 1,
      ...(byOrganizer ? { lastInteractionAt: now, expiresAt: new Date(now.getTime() + SESSION_LIFETIME_MS) } : {}),
    })
    .where(eq(wizardSessions.id, row.id))
    .returning()
  return stateWith({ ...updated!, connectedAccount: row.connectedAccount }, progress)
}
