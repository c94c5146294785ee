import { openAppDatabase } from '../app-context'
import { ConfigError, loadConfig } from '../config'
import { createLogger } from '../logger'
import { cleanupExpiredSessions } from './cleanup'

/** `npm run cleanup`: expires and deletes old sessions and prunes old audit rows once, now. */
try {
  const config = loadConfig(process.env)
  const database = await openAppDatabase(config, createLogger({ LOG_LEVEL: 'warn' }))
  try {
    const result = await cleanupExpiredSessions(database.db, new Date())
    console.log(
      result
        ? `Expired ${result.expiredSessions} session(s), deleted ${result.deletedSessions}, pruned ${result.prunedActions} audit row(s), ${result.prunedSignInSessions} sign-in session(s) and ${result.prunedRateLimits} rate-limit counter(s).`
        : 'Another instance is cleaning up right now; nothing done.',
    )
  } finally {
    await database.close()
  }
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `Cleanup failed: ${(error as Error).message}`)
  process.exit(1)
}
