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

export type DatabaseOptions = { kind: 'pglite'; dataDir?: string } | { kind: 'postgres'; url: string; poolMax?: number; prepare?: boolean }

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
  // `false` behind a transaction-mode pooler (PgBouncer, Supavisor), which cannot keep prepared statements.
  const prepare = options.prepare ?? true
  const client = postgres(options.url, { max: options.poolMax ?? 10, prepare, backoff: reconnectDelaySeconds, onnotice: () => {} })
  return {
    kind: 'postgres',
    db: drizzlePostgres(prepare ? preparingStatements(client) : client, { schema }) as unknown as Database,
    close: () => client.end({ timeout: 5 }),
  }
}

/**
 * How long postgres.js waits before reconnecting a closed connection, given how many connections of the
 * pool closed with an error since one last connected. Its default grows to 20 s: once the database had
 * dropped every connection at once, a request then waited up to 20 s for one. The same curve, capped at
 * 2 s: a database that is back serves within 2 s, one still away answers (503) as soon.
 */
const reconnectDelaySeconds = (failures: number) => (0.5 + Math.random() / 2) * Math.min(3 ** failures / 100, 2)

/**
 * Drizzle hands postgres.js every query as an unnamed statement (unless it is named with `.prepare()`),
 * and postgres.js must then ask Postgres for the parameter types before it can send the values: two
 * round trips for every query with parameters, parsed and planned every time. This asks for named
 * statements instead, which postgres.js keeps per connection (recycled by its `max_lifetime`): one round
 * trip from the second use on. Transactions and savepoints get the same client.
 */
function preparingStatements<Client extends postgres.Sql | postgres.TransactionSql>(client: Client): Client {
  return new Proxy(client, {
    get(target, key) {
      if (key === 'unsafe') {
        return (query: string, params?: postgres.ParameterOrJSON<never>[], queryOptions?: postgres.UnsafeQueryOptions) =>
          target.unsafe(query, params, { ...queryOptions, prepare: true })
      }
      if (key === 'begin' || key === 'savepoint') {
        return (...args: unknown[]) => {
          const fn = args.pop() as (scoped: postgres.TransactionSql) => unknown
          const scope = Reflect.get(target, key) as (...all: unknown[]) => unknown
          return scope(...args, (scoped: postgres.TransactionSql) => fn(preparingStatements(scoped)))
        }
      }
      return Reflect.get(target, key)
    },
  })
}

/** Raw SQL for the few statements the query builder cannot express; rows come back the same on both drivers. */
export async function queryRows<Row extends Record<string, unknown>>(db: Database | Transaction, query: SQL): Promise<Row[]> {
  const result = (await db.execute(query)) as unknown as Row[] | { rows: Row[] }
  return Array.isArray(result) ? result : result.rows
}
