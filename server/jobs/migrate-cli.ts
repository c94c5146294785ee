import { join } from 'node:path'
import { openDatabase } from '../../db/client'
import { migrateEmbedded, migratePostgresUrl } from '../../db/migrate'
import { ConfigError, loadConfig } from '../config'

/**
 * `npm run db:migrate`: applies db/bootstrap.sql and the migrations in drizzle/ to
 * MIGRATION_DATABASE_URL (or DATABASE_URL), or to the embedded database under DATA_DIR.
 */
try {
  const config = loadConfig(process.env)
  const url = config.MIGRATION_DATABASE_URL ?? config.DATABASE_URL
  if (url) {
    const report = await migratePostgresUrl(url)
    console.log(`Postgres migrated: ${report.applied} migration(s) applied${report.bootstrapped ? '' : ' (Supabase: bootstrap skipped)'}`)
  } else {
    const database = await openDatabase({ kind: 'pglite', dataDir: join(config.DATA_DIR, 'pglite') })
    try {
      const report = await migrateEmbedded(database)
      console.log(`Embedded database migrated: ${report.applied} migration(s) applied`)
    } finally {
      await database.close()
    }
  }
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `Migration failed: ${(error as Error).message}`)
  process.exit(1)
}
