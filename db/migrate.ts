import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { sql } from 'drizzle-orm'
import { type MigrationConfig, readMigrationFiles } from 'drizzle-orm/migrator'
import type { PgliteDatabase } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator'
import postgres from 'postgres'
import { type Database, type DatabaseHandle, queryRows } from './client'

// Paths from the project's root, one level up: this module runs from `db/` (tsx, tests) and bundled
// into `build/http.js` (`npm start`), both one level below it.
const migrationConfig: MigrationConfig = {
  migrationsFolder: fileURLToPath(new URL('../drizzle', import.meta.url)),
  migrationsSchema: 'drizzle',
  migrationsTable: '__drizzle_migrations',
}
/** bootstrap.sql's statements, split on the same marker drizzle-kit uses (DO blocks hold semicolons). */
const bootstrapStatements = () =>
  readFileSync(fileURLToPath(new URL('../db/bootstrap.sql', import.meta.url)), 'utf8')
    .split('--> statement-breakpoint')
    .map((statement) => statement.trim())
    .filter(Boolean)

/** Every migrator takes this lock, so instances starting together migrate one after another. */
const MIGRATION_LOCK = sql`hashtext('event_wizard.migrate')`

export interface MigrationReport {
  bootstrapped: boolean
  applied: number
}

async function runMigrations(db: Database, migrate: () => Promise<void>): Promise<MigrationReport> {
  const before = (await migrationState(db)).applied
  const onSupabase = await isSupabase(db)
  if (!onSupabase) {
    for (const statement of bootstrapStatements()) await db.execute(sql.raw(statement))
  }
  await migrate()
  // The app's login role holds no privilege of its own; it only needs to read the journal for /healthz.
  await db.execute(sql`
    do $$ begin
      if exists (select 1 from pg_roles where rolname = 'event_wizard_app') then
        grant usage on schema drizzle to event_wizard_app;
        grant select on drizzle.__drizzle_migrations to event_wizard_app;
      end if;
    end $$`)
  return { bootstrapped: !onSupabase, applied: (await migrationState(db)).applied - before }
}

/** Migrates the embedded database through its own (only) connection. */
export async function migrateEmbedded(handle: DatabaseHandle): Promise<MigrationReport> {
  if (handle.kind !== 'pglite') throw new Error('migrateEmbedded needs the embedded database')
  const db = handle.db
  await db.execute(sql`select pg_advisory_lock(${MIGRATION_LOCK})`)
  try {
    return await runMigrations(db, () => migratePglite(db as unknown as PgliteDatabase, migrationConfig))
  } finally {
    await db.execute(sql`select pg_advisory_unlock(${MIGRATION_LOCK})`)
  }
}

/**
 * Migrates a Postgres database over one direct connection (not a transaction pooler: the advisory
 * lock is held by the session), usually as a stronger role than the app's.
 */
export async function migratePostgresUrl(url: string): Promise<MigrationReport> {
  const client = postgres(url, { max: 1, onnotice: () => {} })
  const db = drizzlePostgres(client)
  try {
    await db.execute(sql`select pg_advisory_lock(${MIGRATION_LOCK})`)
    return await runMigrations(db as unknown as Database, () => migratePostgres(db, migrationConfig))
  } finally {
    await client.end({ timeout: 5 })
  }
}

async function isSupabase(db: Database): Promise<boolean> {
  const rows = await queryRows<{ supabase: boolean }>(db, sql`select exists (select 1 from pg_roles where rolname = 'supabase_auth_admin') as supabase`)
  return Boolean(rows[0]?.supabase)
}

export interface MigrationState {
  applied: number
  expected: number
  pending: number
  upToDate: boolean
}

/** The migrations shipped in `drizzle/`, read once: they do not change while the app runs. */
let shippedMigrations: ReturnType<typeof readMigrationFiles> | undefined
const shipped = () => (shippedMigrations ??= readMigrationFiles(migrationConfig))

/** Compares the migrations recorded in the database with those shipped in `drizzle/`. */
export async function migrationState(db: Database): Promise<MigrationState> {
  const shippedNow = shipped()
  const journal = await queryRows<{ exists: boolean }>(db, sql`select to_regclass('drizzle.__drizzle_migrations') is not null as exists`)
  let lastApplied = 0
  let applied = 0
  if (journal[0]?.exists) {
    const rows = await queryRows<{ applied: number; last: string | null }>(
      db,
      sql`select count(*)::int as applied, max(created_at)::text as last from drizzle.__drizzle_migrations`,
    )
    applied = Number(rows[0]?.applied ?? 0)
    lastApplied = Number(rows[0]?.last ?? 0)
  }
  const pending = shippedNow.filter((migration) => migration.folderMillis > lastApplied).length
  return { applied, expected: shippedNow.length, pending, upToDate: pending === 0 }
}
