import { join } from 'node:path'
import { type DatabaseHandle, openDatabase } from '../db/client'
import { migrateEmbedded } from '../db/migrate'
import {
  type AuthenticatedClaims,
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
import { createSignInSessionChecker, endSignInSession, renewSignInSession, startSignInSession } from './auth/sign-in-sessions'
import { type IssuedSession, issueAccessToken, type SessionUser, tokenExpiry } from './auth/tokens'
import type { Config } from './config'
import { createOrderCookie, type OrderCookie } from './cookies/order-cookie'
import { createSessionCookie, type SessionCookie } from './cookies/session-cookie'
import { type CopilotModel, copilotModelOf } from './copilot/model'
import { type HealthReport, healthChecker } from './health'
import type { Logger } from './logger'
import { orderAccessSecret } from './orders/access-keys'
import { invitationSecretOf } from './orgs/invitations'
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
    /** Local mode: starts a sign-in session for the user whose password was just checked, and signs its token. */
    issueLocalSession: (user: SessionUser) => Promise<IssuedSession>
    /** Local mode: a fresh token for the same sign-in session. */
    renewLocalSession: (claims: AuthenticatedClaims) => Promise<IssuedSession>
    /** Local mode: ends the token's sign-in session; its tokens are refused from then on. */
    endLocalSession: (claims: AuthenticatedClaims) => Promise<void>
  }
  rateLimits: RateLimits
  /** Buyers' orders: the secret their access keys are derived with, and the cookie that remembers them. */
  orders: { accessSecret: string; cookie: OrderCookie }
  /** Organizations: the secret invitation tokens are derived with. */
  orgs: { invitationSecret: string }
  /** Stripe Connect for paid tickets; null without STRIPE_SECRET_KEY. */
  stripe: StripeConnect | null
  /** The assistant's model (null without COPILOT_PROVIDER). */
  copilot: { model: CopilotModel | null }
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
  // Local tokens are ours to end: each names a sign-in session, checked on every request (briefly
  // remembered). Supabase tokens live until their `exp`, as Supabase's own API treats them.
  const signInSessions = createSignInSessionChecker(database.db, now)
  const verifyToken = local
    ? signInSessions.verifier(createLocalTokenVerifier({ secret, issuer: config.AUTH_JWT_ISSUER }))
    : createSupabaseTokenVerifier(config)
  const copilotModel = options.copilotModel !== undefined ? options.copilotModel : copilotModelOf(config)
  // Organizers only read that the assistant is not available; how to turn it on is for whoever runs the server.
  if (copilotModel === null) {
    options.logger.info('the assistant is off: set COPILOT_PROVIDER, COPILOT_MODEL and COPILOT_API_KEY (or COPILOT_BASE_URL) to turn it on')
  }
  const signToken = (user: SessionUser, sessionId: string, at: Date) =>
    issueAccessToken(user, { secret, issuer: config.AUTH_JWT_ISSUER, ttlSeconds: config.AUTH_SESSION_TTL_SECONDS, now: at, sessionId })
  return {
    config,
    logger: options.logger,
    database,
    now,
    auth: {
      verifyToken,
      readIdentity: createIdentityReader(verifyToken, local ? localCookieToken(sessionCookie) : supabaseCookieToken(config)),
      sessionCookie,
      issueLocalSession: async (user) => {
        const at = now()
        const sessionId = await startSignInSession(database.db, user.id, tokenExpiry(at, config.AUTH_SESSION_TTL_SECONDS))
        return signToken(user, sessionId, at)
      },
      renewLocalSession: async (claims) => {
        const at = now()
        await renewSignInSession(database.db, claims, tokenExpiry(at, config.AUTH_SESSION_TTL_SECONDS))
        return signToken({ id: claims.sub, email: claims.email ?? '' }, String(claims.sid), at)
      },
      endLocalSession: async (claims) => {
        await endSignInSession(database.db, claims, now())
        signInSessions.forget(claims)
      },
    },
    rateLimits: createRateLimits(config, database),
    orders: { accessSecret: orderAccessSecret(secret), cookie: createOrderCookie({ secure: config.NODE_ENV === 'production' }) },
    orgs: { invitationSecret: invitationSecretOf(secret) },
    stripe: createStripeConnect(config),
    copilot: {
      model: copilotModel,
    },
    health: healthChecker(database),
  }
}
