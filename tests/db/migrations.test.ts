import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { afterAll, describe, expect, it } from 'vitest'
import { openDatabase, queryRows } from '../../db/client'
import { migrateEmbedded, migratePostgresUrl, migrationState } from '../../db/migrate'
import { openAppDatabase } from '../../server/app-context'
import { loadConfig } from '../../server/config'
import { healthChecker } from '../../server/health'
import { createLogger } from '../../server/logger'
import { createPostgresDatabase, databaseKinds, dropPostgresDatabase, MIGRATION_COUNT } from '../support/databases'

const logger = createLogger({ LOG_LEVEL: 'silent' })

describe('the embedded database', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'event-wizard-data-'))
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))
  const config = loadConfig({ DATA_DIR: dataDir })

  it('is created and migrated on an empty data folder, and keeps its data across starts', async () => {
    const first = await openAppDatabase(config, logger)
    expect(first.kind).toBe('pglite')
    expect(await healthChecker(first)()).toMatchObject({ ok: true, migrations: { applied: MIGRATION_COUNT, pending: 0 } })
    await first.db.execute(sql`insert into auth.users (email) values ('kept@example.test')`)
    await first.close()

    const second = await openAppDatabase(config, logger)
    const rows = await queryRows<{ email: string }>(second.db, sql`select email from auth.users`)
    expect(rows.map((row) => row.email)).toEqual(['kept@example.test'])
    // Migrating again, bootstrap included, is a no-op.
    expect(await migrateEmbedded(second)).toEqual({ bootstrapped: true, applied: 0 })
    expect(await migrationState(second.db)).toEqual({ applied: MIGRATION_COUNT, expected: MIGRATION_COUNT, pending: 0, upToDate: true })
    await second.close()
  })

  it('reports pending migrations as unhealthy until they are applied', async () => {
    const unmigrated = await openDatabase({ kind: 'pglite' })
    const health = healthChecker(unmigrated)
    try {
      expect(await health()).toEqual({
        ok: false,
        database: { kind: 'pglite', reachable: true },
        migrations: { applied: 0, expected: MIGRATION_COUNT, pending: MIGRATION_COUNT, upToDate: false },
      })
      // A pending state is never remembered: the same checker sees the migrations once they ran.
      await migrateEmbedded(unmigrated)
      expect(await health()).toMatchObject({ ok: true, migrations: { pending: 0, upToDate: true } })
    } finally {
      await unmigrated.close()
    }
  })
})

// Only where a Postgres is configured (always under CI); a plain `if`, so nothing is reported as skipped.
if (databaseKinds.includes('postgres'))
  describe('a real Postgres database', () => {
    it('migrates once under the advisory lock even when two migrators start together', async () => {
      const { admin, app } = await createPostgresDatabase()
      try {
        const reports = await Promise.all([migratePostgresUrl(admin), migratePostgresUrl(admin)])
        expect(reports.map((report) => report.applied).sort()).toEqual([0, MIGRATION_COUNT])
        expect(await migratePostgresUrl(admin)).toEqual({ bootstrapped: true, applied: 0 })

        // The app connects as its own role: not a superuser, cannot bypass RLS, and can read the journal.
        const database = await openDatabase({ kind: 'postgres', url: app })
        try {
          const [role] = await queryRows<{ name: string; superuser: boolean; bypassrls: boolean }>(
            database.db,
            sql`select session_user as name, rolsuper as superuser, rolbypassrls as bypassrls
              from pg_roles where rolname = session_user`,
          )
          expect(role).toEqual({ name: 'event_wizard_app', superuser: false, bypassrls: false })
          expect(await healthChecker(database)()).toMatchObject({ ok: true, database: { kind: 'postgres' } })
        } finally {
          await database.close()
        }
      } finally {
        await dropPostgresDatabase(admin)
      }
    })
  })
