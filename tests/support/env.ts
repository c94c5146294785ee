/** Test-only settings, read in one place. */
export const testEnv = {
  ci: process.env.CI === 'true',
  /** The app's login role on a real Postgres; every database test then also runs there. */
  databaseUrl: process.env.TEST_DATABASE_URL || undefined,
  /** A role that may create databases and run migrations (defaults to TEST_DATABASE_URL). */
  migrationDatabaseUrl: process.env.TEST_MIGRATION_DATABASE_URL || process.env.TEST_DATABASE_URL || undefined,
}
