import { sql } from 'drizzle-orm'
import type { IRateLimiterStoreOptions } from 'rate-limiter-flexible'
import { RateLimiterRes } from 'rate-limiter-flexible'
import RateLimiterStoreAbstract from 'rate-limiter-flexible/lib/RateLimiterStoreAbstract.js'
import { type Database, queryRows } from '../../db/client'
import { asServiceRole } from '../../db/rls'

type Counter = {
  points: number
  /** -1 when the counter never expires. */
  ms_before_next: number
}

/** What is left of a counter's window, by the database's clock (instances' clocks may differ). */
const msBeforeNext = sql`case when expire is null then -1 else greatest(0, ceil(extract(epoch from expire - now()) * 1000))::integer end`

/**
 * rate-limiter-flexible's store over our own connection: one atomic upsert per count in
 * `event_wizard.rate_limits`, so every instance shares the counters. The library's Postgres store
 * wants a `pg` client; ours is postgres.js or PGlite through Drizzle.
 *
 * As the service role: the counters belong to no user (most of them count people not signed in), and
 * the request roles have no grant on the table.
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
    const expire = msDuration > 0 ? sql`now() + ${msDuration} * interval '1 millisecond'` : sql`null::timestamptz`
    // An expired counter starts again from these points; a live one adds them and keeps its window.
    const onConflict = forceExpire
      ? sql`points = excluded.points, expire = excluded.expire`
      : sql`points = case when r.expire <= now() then excluded.points else r.points + excluded.points end,
            expire = case when r.expire <= now() then excluded.expire else r.expire end`
    const [counter] = await asServiceRole(this.db, (tx) =>
      queryRows<Counter>(
        tx,
        sql`insert into event_wizard.rate_limits as r (key, points, expire) values (${key}, ${points}, ${expire})
            on conflict (key) do update set ${onConflict}
            returning points, ${msBeforeNext} as ms_before_next`,
      ),
    )
    return counter!
  }

  async _get(key: string): Promise<Counter | null> {
    const [counter] = await asServiceRole(this.db, (tx) =>
      queryRows<Counter>(
        tx,
        sql`select points, ${msBeforeNext} as ms_before_next from event_wizard.rate_limits
            where key = ${key} and (expire is null or expire > now())`,
      ),
    )
    return counter ?? null
  }

  async _delete(key: string): Promise<boolean> {
    const deleted = await asServiceRole(this.db, (tx) =>
      queryRows<{ key: string }>(tx, sql`delete from event_wizard.rate_limits where key = ${key} returning key`),
    )
    return deleted.length > 0
  }
}
