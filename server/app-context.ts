import { join } from 'node:path'
import { type DatabaseHandle, openDatabase } from '../db/client'
import { migrateEmbedded } from '../db/migrate'
import {
  createIdentityReader,
  createLocalTokenVerifier,
  createSupabaseTokenVerifier,
  type IdentityReader,
  localCookieToken,
  supabaseCookieToken,
  type TokenVerifier,
} from './auth/identity'
import { resolveJwtSecret } from './auth/jwt-secret'
import { createRateLimits, type RateLimits } from './auth/rate-limits'
import { createSessionCookie, type SessionCookie } from './auth/session-cookie'
import { type IssuedSession, issueAccessToken, type SessionUser } from './auth/tokens'
import type { Config } from './config'
import { checkHealth, type HealthReport } from './health'
import type { Logger } from './logger'
import { type CopilotModel, copilotModelOf } from './copilot/model'
import { ThreadOwners } from './copilot/thread-owners'
import { orderAccessSecret } from './orders/access-keys'
import { createOrderCookie, type OrderCookie } from './orders/order-cookie'
import { createStripeConnect, type StripeConnect } from './payments/stripe-client'

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
  auth: {
    readIdentity: IdentityReader
    verifyToken: TokenVerifier
    sessionCookie: SessionCookie
    /** Local mode: signs a session token for the user. */
    issueLocalSession: (user: SessionUser) => Promise<IssuedSession>
  }
  rateLimits: RateLimits
  /** Buyers' orders: the secret their access keys are derived with, and the cookie that remembers them. */
  orders: { accessSecret: string; cookie: OrderCookie }
  /** Stripe Connect for paid tickets; null without STRIPE_SECRET_KEY. */
  stripe: StripeConnect | null
  /** The assistant's model (null without COPILOT_PROVIDER) and who owns each chat thread. */
  copilot: { model: CopilotModel | null; threadOwners: ThreadOwners }
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
  /** Tests hand in a scripted model; otherwise it comes from config. */
  copilotModel?: CopilotModel | null
}): AppContext {
  const { config, database } = options
  const now = options.now ?? (() => new Date())
  const sessionCookie = createSessionCookie({ secure: config.NODE_ENV === 'production' })
  const local = config.AUTH_MODE === 'local'
  // Local sessions and order keys both need a signing secret; Supabase sessions are signed by Supabase.
  const secret = resolveJwtSecret(config)
  const verifyToken = local
    ? createLocalTokenVerifier({ secret, issuer: config.AUTH_JWT_ISSUER })
    : createSupabaseTokenVerifier(config)
  return {
    config,
    logger: options.logger,
    database,
    now,
    auth: {
      verifyToken,
      readIdentity: createIdentityReader(verifyToken, local ? localCookieToken(sessionCookie) : supabaseCookieToken(config)),
      sessionCookie,
      issueLocalSession: (user) =>
        issueAccessToken(user, {
          secret,
          issuer: config.AUTH_JWT_ISSUER,
          ttlSeconds: config.AUTH_SESSION_TTL_SECONDS,
          now: now(),
        }),
    },
    rateLimits: createRateLimits(config),
    orders: { accessSecret: orderAccessSecret(secret), cookie: createOrderCookie({ secure: config.NODE_ENV === 'production' }) },
    stripe: createStripeConnect(config),
    copilot: {
      model: options.copilotModel !== undefined ? options.copilotModel : copilotModelOf(config),
      threadOwners: new ThreadOwners(),
    },
    health: () => checkHealth(database),
  }
}
