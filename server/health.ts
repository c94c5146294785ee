import { sql } from 'drizzle-orm'
import type { DatabaseHandle } from '../db/client'
import { type MigrationState, migrationState } from '../db/migrate'

export interface HealthReport {
  ok: boolean
  database: { kind: DatabaseHandle['kind']; reachable: boolean }
  migrations: MigrationState | null
}

/** Healthy when the database answers and every shipped migration is applied. */
export async function checkHealth(database: DatabaseHandle): Promise<HealthReport> {
  try {
    await database.db.execute(sql`select 1`)
    const migrations = await migrationState(database.db)
    return { ok: migrations.upToDate, database: { kind: database.kind, reachable: true }, migrations }
  } catch {
    return { ok: false, database: { kind: database.kind, reachable: false }, migrations: null }
  }
}
