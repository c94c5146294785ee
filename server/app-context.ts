import { join } from 'node:path'
import { type DatabaseHandle, openDatabase } from '../db/client'
import { migrateEmbedded } from '../db/migrate'
import { createIdentityReader, type IdentityReader } from './auth/identity'
import { resolveJwtSecret } from './auth/jwt-secret'
import { createSessionCookie, type SessionCookie } from './auth/session-cookie'
import type { Config } from './config'
import { checkHealth, type HealthReport } from './health'
import type { Logger } from './logger'

/**
 * What every door needs, made once at start and handed to Remix through the load context (route
 * modules are bundled separately, so they must not open their own database or read the environment).
 */
export interface AppContext {
  config: Config
  logger: Logger
  database: DatabaseHandle
  /** The clock the core reads; tests inject their own. */
  now: () => Date
  sessionCookie: SessionCookie
  readIdentity: IdentityReader
  health: () => Promise<HealthReport>
}

export async function openAppDatabase(config: Config, logger: Logger): Promise<DatabaseHandle> {
  if (config.DATABASE_URL) {
    return openDatabase({
      kind: 'postgres',
      url: config.DATABASE_URL,
      poolMax: config.DATABASE_POOL_MAX,
      prepare: config.DATABASE_PREPARE,
    })
  }
  const dataDir = join(config.DATA_DIR, 'pglite')
  const database = await openDatabase({ kind: 'pglite', dataDir })
  const report = await migrateEmbedded(database)
  logger.info({ dataDir, ...report }, 'embedded database ready')
  return database
}

export function createAppContext(options: {
  config: Config
  logger: Logger
  database: DatabaseHandle
  now?: () => Date
}): AppContext {
  const { config, database } = options
  const sessionCookie = createSessionCookie({ secure: config.NODE_ENV === 'production' })
  return {
    config,
    logger: options.logger,
    database,
    now: options.now ?? (() => new Date()),
    sessionCookie,
    readIdentity: createIdentityReader({
      secret: resolveJwtSecret(config),
      issuer: config.AUTH_JWT_ISSUER,
      sessionCookie,
    }),
    health: () => checkHealth(database),
  }
}
