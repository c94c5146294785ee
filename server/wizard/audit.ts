import { and, eq } from 'drizzle-orm'
import type { Database, Transaction } from '../../db/client'
import { pgConstraint, pgErrorCode, pgErrorCodes } from '../../db/errors'
import { withRls } from '../../db/rls'
import { wizardActions } from '../../db/schema'
import type { AuthenticatedClaims } from '../auth/identity'
import { DomainError } from '../errors'
import type { StageId } from './stages'

export type ActionSource = (typeof wizardActions.source.enumValues)[number]

/** Who acts, through which door, and the client's idempotency key when it sent one. */
export interface Actor {
  claims: AuthenticatedClaims
  source: ActionSource
  idempotencyKey?: string
}

/** What the audit row says about the action; `session`/`organization` are filled in as they become known. */
export interface AuditEntry {
  action: 'merge' | 'transition' | 'publish' | 'abandon' | 'unpublish' | 'republish' | 'cancel' | 'startPaymentOnboarding'
  sessionId?: string | null
  organizationId?: string | null
  stage?: StageId | null
  payload?: unknown
}

const IDEMPOTENCY_CONSTRAINT = 'wizard_actions_user_idempotency_key_key'

/**
 * Sends the action's audit row together with its last statement, one round trip for both:
 * `return withAuditRow(saveChange(…))`. The row's duration then ends when that statement is sent.
 */
export type WithAuditRow = <V>(lastStatement: Promise<V>) => Promise<V>

/**
 * Runs one wizard action in one transaction under the actor's RLS, with its audit row written in the
 * same transaction: with the action's last statement when `run` hands it to `withAuditRow`, else after
 * `run`. A failure is rolled back and then recorded in its own transaction, so failures are audited
 * too. With an idempotency key, a key this user already used successfully returns `replay()` instead
 * of acting again — also when two requests with the key race — provided the request is the same one;
 * a different request under a used key is refused, as Stripe does.
 */
export async function audited<T>(
  db: Database,
  actor: Actor,
  entry: AuditEntry,
  run: (tx: Transaction, entry: AuditEntry, withAuditRow: WithAuditRow) => Promise<T>,
  replay: () => Promise<T>,
): Promise<T> {
  const started = performance.now()
  const key = actor.idempotencyKey
  const earlier = key ? await earlierUseOf(db, actor, key) : undefined
  if (earlier) return replayIfSame(earlier, entry, replay)
  try {
    return await withRls(db, actor.claims, async (tx) => {
      let written = false
      const writeAuditRow = () => {
        written = true
        return tx.insert(wizardActions).values(row(actor, entry, started, { result: 'succeeded', idempotencyKey: key }))
      }
      const withAuditRow: WithAuditRow = async (lastStatement) => (await Promise.all([lastStatement, writeAuditRow()]))[0]
      const value = await run(tx, entry, withAuditRow)
      if (!written) await writeAuditRow()
      return value
    })
  } catch (error) {
    if (key && pgErrorCode(error) === pgErrorCodes.uniqueViolation && pgConstraint(error) === IDEMPOTENCY_CONSTRAINT) {
      const winner = await earlierUseOf(db, actor, key)
      if (winner) return replayIfSame(winner, entry, replay)
    }
    await recordFailure(db, actor, entry, started, error)
    throw error
  }
}

type EarlierUse = Pick<typeof wizardActions.$inferSelect, 'actionName' | 'sessionId' | 'stage' | 'payload'>

async function earlierUseOf(db: Database, actor: Actor, key: string): Promise<EarlierUse | undefined> {
  const [row] = await withRls(db, actor.claims, (tx) =>
    tx
      .select({ actionName: wizardActions.actionName, sessionId: wizardActions.sessionId, stage: wizardActions.stage, payload: wizardActions.payload })
      .from(wizardActions)
      .where(and(eq(wizardActions.userId, actor.claims.sub), eq(wizardActions.idempotencyKey, key))),
  )
  return row
}

/**
 * The same request is a replay; anything else under a used key is refused, since answering it with
 * the earlier result would tell the client its new request was done. The session is compared only
 * when the request names one (`unpublish` learns it while running; its event id is in the payload).
 */
function replayIfSame<T>(earlier: EarlierUse, entry: AuditEntry, replay: () => Promise<T>): Promise<T> {
  const same =
    earlier.actionName === entry.action &&
    (entry.sessionId == null || earlier.sessionId === entry.sessionId) &&
    (earlier.stage ?? null) === (entry.stage ?? null) &&
    canonicalJson(earlier.payload) === canonicalJson(entry.payload)
  if (!same) {
    throw new DomainError('UNPROCESSABLE_CONTENT', 'This Idempotency-Key was already used for a different request. Send a new key with a new request.')
  }
  return replay()
}

/** JSON with every object's keys sorted: the stored payload comes back from jsonb in jsonb's own key order. */
const canonicalJson = (value: unknown): string =>
  JSON.stringify(value ?? null, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item) ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : item,
  )

async function recordFailure(db: Database, actor: Actor, entry: AuditEntry, started: number, error: unknown) {
  const message = error instanceof Error ? error.message : String(error)
  try {
    await withRls(db, actor.claims, (tx) =>
      tx.insert(wizardActions).values(row(actor, entry, started, { result: 'failed', errorMessage: message.slice(0, 1000) })),
    )
  } catch {
    // The session may be gone or unreadable (that is often why the action failed): keep the failure,
    // detached from it.
    await withRls(db, actor.claims, (tx) =>
      tx.insert(wizardActions).values(
        row(actor, { ...entry, sessionId: null, organizationId: null, payload: { sessionId: entry.sessionId, input: entry.payload } }, started, {
          result: 'failed',
          errorMessage: message.slice(0, 1000),
        }),
      ),
    ).catch(() => {})
  }
}

function row(
  actor: Actor,
  entry: AuditEntry,
  started: number,
  outcome: { result: 'succeeded' | 'failed'; errorMessage?: string; idempotencyKey?: string },
): typeof wizardActions.$inferInsert {
  return {
    sessionId: entry.sessionId ?? null,
    organizationId: entry.organizationId ?? null,
    userId: actor.claims.sub,
    actionName: entry.action,
    stage: entry.stage ?? null,
    source: actor.source,
    payload: entry.payload ?? null,
    durationMs: Math.round(performance.now() - started),
    ...outcome,
  }
}

/**
 * The audit row of a Stripe webhook's effect on a session. No user acted, so it has none; it is written
 * by the webhook (service role) in the same transaction as the effect.
 */
export function webhookActionRow(
  entry: { action: 'paymentAccountUpdated' | 'paymentAccountDisconnected'; sessionId: string; organizationId: string | null; payload: unknown },
  started: number,
): typeof wizardActions.$inferInsert {
  return {
    sessionId: entry.sessionId,
    organizationId: entry.organizationId,
    userId: null,
    actionName: entry.action,
    stage: 'paymentSetup',
    source: 'webhook',
    payload: entry.payload,
    result: 'succeeded',
    durationMs: Math.round(performance.now() - started),
  }
}
