import { createHash, randomBytes } from 'node:crypto'
import postgres from 'postgres'
import { describe } from 'vitest'
import { type DatabaseHandle, type DatabaseKind, openDatabase } from '../../db/client'
import { migrateEmbedded, migratePostgresUrl } from '../../db/migrate'
import { testEnv } from './env'

/**
 * Every database test runs on embedded PGlite and, when TEST_DATABASE_URL is set, on real Postgres.
 * Each test file gets a database of its own (PGlite in memory; on Postgres a copy of a migrated
 * template), so tests may run in parallel and even call functions that touch every row.
 */
export interface TestDatabase extends DatabaseHandle {
  /** The URLs of this database (Postgres only): as the app's role, and as the migrating role. */
  urls?: { app: string; admin: string }
}

/**
 * Named after the checkout, so test runs of two checkouts on one Postgres (each with its own
 * migrations) never drop each other's template.
 */
export const TEMPLATE_DATABASE = `event_wizard_test_template_${createHash('sha1').update(process.cwd()).digest('hex').slice(0, 8)}`

export function withDatabaseName(url: string, database: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${database}`
  return parsed.toString()
}

/** The migrations in drizzle/, counted by hand: a migration lost from the journal fails the health tests. */
export const MIGRATION_COUNT = 20

export const databaseKinds: DatabaseKind[] = testEnv.databaseUrl ? ['pglite', 'postgres'] : ['pglite']

export async function openTestDatabase(kind: DatabaseKind, options: { poolMax?: number } = {}): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const handle = await openDatabase({ kind: 'pglite' })
    await migrateEmbedded(handle)
    return handle
  }
  const { app, admin } = await createPostgresDatabase(TEMPLATE_DATABASE)
  const handle = await openDatabase({ kind: 'postgres', url: app, poolMax: options.poolMax ?? 20 })
  return {
    ...handle,
    urls: { app, admin },
    close: async () => {
      await handle.close()
      await dropPostgresDatabase(admin)
    },
  }
}

/** A new, empty Postgres database (or a copy of `template`), with URLs for the app role and the admin. */
export async function createPostgresDatabase(template?: string): Promise<{ app: string; admin: string; name: string }> {
  if (!testEnv.databaseUrl || !testEnv.migrationDatabaseUrl) throw new Error('TEST_DATABASE_URL is not set')
  const name = `event_wizard_test_${randomBytes(6).toString('hex')}`
  const admin = postgres(testEnv.migrationDatabaseUrl, { max: 1, onnotice: () => {} })
  try {
    await admin.unsafe(`create database ${name}${template ? ` template ${template}` : ''}`)
  } finally {
    await admin.end()
  }
  return {
    name,
    app: withDatabaseName(testEnv.databaseUrl, name),
    admin: withDatabaseName(testEnv.migrationDatabaseUrl, name),
  }
}

export async function dropPostgresDatabase(adminUrl: string): Promise<void> {
  const name = new URL(adminUrl).pathname.slice(1)
  const admin = postgres(withDatabaseName(adminUrl, 'postgres'), { max: 1, onnotice: () => {} })
  try {
    await admin.unsafe(`drop database if exists ${name} with (force)`)
  } finally {
    await admin.end()
  }
}

/** Creates the migrated template the per-file databases are copied from (run once, in global setup). */
export async function prepareTemplateDatabase(): Promise<void> {
  if (!testEnv.migrationDatabaseUrl) return
  const admin = postgres(testEnv.migrationDatabaseUrl, { max: 1, onnotice: () => {} })
  try {
    await admin.unsafe(`drop database if exists ${TEMPLATE_DATABASE} with (force)`)
    await admin.unsafe(`create database ${TEMPLATE_DATABASE}`)
  } finally {
    await admin.end()
  }
  await migratePostgresUrl(withDatabaseName(testEnv.migrationDatabaseUrl, TEMPLATE_DATABASE))
}

/** `describe` once per database kind, e.g. "rls [pglite]" and "rls [postgres]". */
export function describeEachDatabase(name: string, body: (kind: DatabaseKind) => void): void {
  for (const kind of databaseKinds) describe(`${name} [${kind}]`, () => body(kind))
}

export function randomSuffix(): string {
  return randomBytes(4).toString('hex')
}
