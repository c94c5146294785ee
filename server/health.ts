import { sql } from 'drizzle-orm'
import type { RequestHandler } from 'express'
import type { DatabaseHandle } from '../db/client'
import { type MigrationState, migrationState } from '../db/migrate'
import { DATABASE_RETRY_AFTER_SECONDS } from './errors'

export interface HealthReport {
  ok: boolean
  database: { kind: DatabaseHandle['kind']; reachable: boolean }
  migrations: MigrationState | null
}

/**
 * Healthy when the database answers and every shipped migration is applied. Once they all are, that
 * stays so for this process (its migrations ship with its build), so later checks only ask the
 * database whether it answers: a load balancer's poll costs one round trip.
 */
export function healthChecker(database: DatabaseHandle): () => Promise<HealthReport> {
  let appliedState: MigrationState | null = null
  return async () => {
    try {
      await database.db.execute(sql`select 1`)
      const migrations = appliedState ?? (await migrationState(database.db))
      if (migrations.upToDate) appliedState = migrations
      return { ok: migrations.upToDate, database: { kind: database.kind, reachable: true }, migrations }
    } catch {
      return { ok: false, database: { kind: database.kind, reachable: false }, migrations: null }
    }
  }
}

/** `/healthz` for load balancers and orchestrators: JSON, never cached; 503 while unhealthy. */
export function healthRoute(health: () => Promise<HealthReport>): RequestHandler {
  return async (_req, res) => {
    const report = await health()
    res.setHeader('Cache-Control', 'no-store')
    // Unreachable is a moment's outage (postgres.js reconnects); pending migrations are not.
    if (!report.database.reachable) res.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS))
    res.status(report.ok ? 200 : 503).json(report)
  }
}
