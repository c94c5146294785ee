import { and, eq, lt, sql } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { queryRows } from '../../db/client'
import { asServiceRole } from '../../db/rls'
import { orders } from '../../db/schema'
import type { Logger } from '../logger'
import { sweepCancelledEvents } from './cancel-event'
import type { OrderDeps } from './deps'
import { releaseOrder } from './release'

/** After its hold ends, an order waits this long for Checkout's own `expired` webhook before the sweeper ends it. */
export const SWEEP_GRACE_MS = 5 * 60_000
/** Orders ended per run: a backlog is worked off over the next runs rather than in one long transaction. */
const BATCH = 500

/**
 * Ends pending orders whose hold is over (plus the grace) and gives their seats back: the holds whose
 * webhook never came, and those of a process that died before opening Checkout. One instance sweeps at
 * a time (a transaction-scoped advisory lock); each release is guarded by the status it leaves, so a
 * webhook releasing the same order at the same moment releases it once. Returns null when another
 * instance is sweeping.
 */
export async function sweepExpiredHolds(db: Database, now: Date): Promise<number | null> {
  return asServiceRole(db, async (tx) => {
    const [lock] = await queryRows<{ locked: boolean }>(tx, sql`select pg_try_advisory_xact_lock(hashtext('event_wizard.hold_sweeper')) as locked`)
    if (!lock?.locked) return null
    const due = await tx
      .select({ id: orders.id })
      .from(orders)
      .where(and(eq(orders.status, 'pending'), lt(orders.expiresAt, new Date(now.getTime() - SWEEP_GRACE_MS))))
      .orderBy(orders.expiresAt)
      .limit(BATCH)
      .for('update', { skipLocked: true })
    let released = 0
    for (const order of due) {
      if (await releaseOrder(tx, order.id, { from: 'pending', to: 'expired' }, now)) released += 1
    }
    return released
  })
}

/**
 * Every `intervalMs` until stopped: ends expired holds, then finishes the wind-down of cancelled events
 * (server/orders/cancel-event.ts). A run starts only when the previous one is done.
 */
export function scheduleOrderSweeper(options: { deps: OrderDeps; logger: Logger; intervalMs: number }): () => void {
  const { deps, logger } = options
  let running = false
  const timer = setInterval(() => {
    if (running) return
    running = true
    sweepExpiredHolds(deps.db, deps.now())
      .then((released) => {
        if (released) logger.info({ released }, 'expired payment holds released')
      })
      .catch((error: unknown) => logger.error({ err: error }, 'releasing expired payment holds failed'))
      .then(() => sweepCancelledEvents(deps, logger))
      .then((ended) => {
        if (ended) logger.info({ ended }, 'orders of cancelled events ended')
      })
      .catch((error: unknown) => logger.error({ err: error }, 'winding down cancelled events failed'))
      .finally(() => {
        running = false
      })
  }, options.intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}
