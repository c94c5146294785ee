import { sql } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { queryRows } from '../../db/client'
import { asServiceRole } from '../../db/rls'
import type { Logger } from '../logger'

export interface CleanupResult {
  expiredSessions: number
  deletedSessions: number
  prunedActions: number
  /** Sign-in sessions expired more than a day ago. */
  prunedSignInSessions: number
  /** Expired rate-limit counters (Postgres; the embedded database counts in memory). */
  prunedRateLimits: number
}

/**
 * Runs cleanup_expired_sessions() and prune_sign_in_state() once across all instances: the transaction-scoped advisory lock
 * (which, unlike a session lock, also holds behind a transaction pooler) lets one instance in and
 * the others skip. Returns null when another instance is running it.
 */
export async function cleanupExpiredSessions(db: Database, at: Date): Promise<CleanupResult | null> {
  return asServiceRole(db, async (tx) => {
    const [lock] = await queryRows<{ locked: boolean }>(tx, sql`select pg_try_advisory_xact_lock(hashtext('event_wizard.cleanup')) as locked`)
    if (!lock?.locked) return null
    const [row] = await queryRows<{ expired_sessions: number; deleted_sessions: number; pruned_actions: number }>(
      tx,
      sql`select * from event_wizard.cleanup_expired_sessions(${at.toISOString()}::timestamptz)`,
    )
    const [pruned] = await queryRows<{ pruned_sign_in_sessions: number; pruned_rate_limits: number }>(
      tx,
      sql`select * from event_wizard.prune_sign_in_state(${at.toISOString()}::timestamptz)`,
    )
    return {
      expiredSessions: Number(row?.expired_sessions ?? 0),
      deletedSessions: Number(row?.deleted_sessions ?? 0),
      prunedActions: Number(row?.pruned_actions ?? 0),
      prunedSignInSessions: Number(pruned?.pruned_sign_in_sessions ?? 0),
      prunedRateLimits: Number(pruned?.pruned_rate_limits ?? 0),
    }
  })
}

/** Runs the cleanup every `intervalMs` (and once soon after start) until stopped. */
export function scheduleCleanup(options: { db: Database; now: () => Date; logger: Logger; intervalMs: number }): () => void {
  const run = async () => {
    try {
      const result = await cleanupExpiredSessions(options.db, options.now())
      if (result) options.logger.info(result, 'expired sessions cleaned up')
    } catch (error) {
      options.logger.error({ err: error }, 'session cleanup failed')
    }
  }
  const first = setTimeout(run, 10_000)
  const timer = setInterval(run, options.intervalMs)
  first.unref()
  timer.unref()
  return () => {
    clearTimeout(first)
    clearInterval(timer)
  }
}
