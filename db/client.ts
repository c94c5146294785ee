import { mkdirSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import type { SQL } from 'drizzle-orm'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import * as schema from './schema'

export type Schema = typeof schema
export type Database = PgDatabase<PgQueryResultHKT, Schema>
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0]
export type DatabaseKind = 'pglite' | 'postgres'

export interface DatabaseHandle {
  kind: DatabaseKind
  db: Database
  close(): Promise<void>
}

export type DatabaseOptions =
  | { kind: 'pglite'; dataDir?: string }
  | { kind: 'postgres'; url: string; poolMax?: number; prepare?: boolean }

/**
 * Opens the app's database: embedded PGlite (in `dataDir`, or in memory without one), or any Postgres
 * through postgres.js. On Postgres the URL names the app's login role, never a superuser.
 */
export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.kind === 'pglite') {
    if (options.dataDir) mkdirSync(options.dataDir, { recursive: true })
    const client = await PGlite.create(options.dataDir)
    return {
      kind: 'pglite',
      db: drizzlePglite(client, { schema }) as unknown as Database,
      close: () => client.close(),
    }
  }
  const client = postgres(options.url, {
    max: options.poolMax ?? 10,
    // `false` behind a transaction-mode pooler (PgBouncer, Supavisor), which cannot keep prepared statements.
    prepare: options.prepare ?? true,
    onnotice: () => {},
  })
  return {
    kind: 'postgres',
    db: drizzlePostgres(client, { schema }) as unknown as Database,
    close: () => client.end({ timeout: 5 }),
  }
}

/** Raw SQL for the few statements the query builder cannot express; rows come back the same on both drivers. */
export async function queryRows<Row extends Record<string, unknown>>(
  db: Database | Transaction,
  query: SQL,
): Promise<Row[]> {
  const result = (await db.execute(query)) as unknown as Row[] | { rows: Row[] }
  return Array.isArray(result) ? result : result.rows
}
