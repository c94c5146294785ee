import { sql } from 'drizzle-orm'
import type { IRateLimiterStoreOptions } from 'rate-limiter-flexible'
import { RateLimiterRes } from 'rate-limiter-flexible'
import RateLimiterStoreAbstract from 'rate-limiter-flexible/lib/RateLimiterStoreAbstract.js'
import { type Database, queryRows } from '../../db/client'

type Counter = {
  points: number
  /** -1 when the counter never expires. */
  ms_before_next: number
}

/**
 * rate-limiter-flexible's store over our own connection: one atomic upsert per count in
 * `event_wizard.rate_limits`, so every instance shares the counters. The library's Postgres store
 * wants a `pg` client; ours is postgres.js or PGlite through Drizzle.
 *
 * Through the SECURITY DEFINER functions of migration 0019, one statement each: the counters belong
 * to no user (most of them count people not signed in), the request roles have no grant on the table,
 * and a transaction as the service role cost four round trips per guarded request. What is left of a
 * window is by the database's clock (instances' clocks may differ).
 */
export class PostgresRateLimiter extends RateLimiterStoreAbstract {
  private readonly db: Database

  constructor(options: IRateLimiterStoreOptions & { storeClient: Database }) {
    super(options)
    this.db = options.storeClient
  }

  _getRateLimiterRes(_key: string, changedPoints: number, counter: Counter): RateLimiterRes {
    const remaining = Math.max(this.points - counter.points, 0)
    return new RateLimiterRes(remaining, counter.ms_before_next, counter.points, counter.points === changedPoints)
  }

  async _upsert(key: string, points: number, msDuration: number, forceExpire = false): Promise<Counter> {
    const [counter] = await queryRows<Counter>(
      this.db,
      sql`select points, ms_before_next from event_wizard.take_rate_limit_points(${key}, ${points}::integer, ${Math.ceil(msDuration)}::integer, ${forceExpire})`,
    )
    return counter!
  }

  async _get(key: string): Promise<Counter | null> {
    const [counter] = await queryRows<Counter>(this.db, sql`select points, ms_before_next from event_wizard.read_rate_limit_points(${key})`)
    return counter ?? null
  }

  async _delete(key: string): Promise<boolean> {
    const [result] = await queryRows<{ cleared: boolean }>(this.db, sql`select event_wizard.clear_rate_limit_points(${key}) as cleared`)
    return result?.cleared ?? false
  }
}
