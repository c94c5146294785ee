import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible'
import type { DatabaseHandle } from '../../db/client'
import type { Config } from '../config'
import { DomainError } from '../errors'
import { PostgresRateLimiter } from './postgres-rate-limiter'

/**
 * Sign-in and sign-up attempts per client IP; failed sign-ins per account from one IP (that IP is
 * refused) and per account from anywhere (every attempt on it is slowed down, never refused: an
 * attacker cannot lock the owner out); mutations, copilot requests and copilot runs per user; queries per user (or per IP when signed
 * out); orders per client IP.
 * Counted in Postgres when the database is Postgres, so every instance shares them; in memory on the
 * embedded database, which one instance has to itself. Limits come from config so a benchmark can
 * raise them.
 */
export interface RateLimits {
  authPerIp: RateLimiterAbstract
  authFailuresPerAccountFromIp: RateLimiterAbstract
  authFailuresPerAccount: RateLimiterAbstract
  mutationsPerUser: RateLimiterAbstract
  queriesPerClient: RateLimiterAbstract
  copilotRequestsPerUser: RateLimiterAbstract
  copilotRunsPerUser: RateLimiterAbstract
  ordersPerIp: RateLimiterAbstract
}

export function createRateLimits(config: Config, database: DatabaseHandle): RateLimits {
  const limiter = (keyPrefix: string, points: number, duration: number): RateLimiterAbstract =>
    database.kind === 'postgres'
      ? new PostgresRateLimiter({ storeClient: database.db, keyPrefix, points, duration })
      : new RateLimiterMemory({ keyPrefix, points, duration })
  const authWindow = config.RATE_LIMIT_AUTH_WINDOW_SECONDS
  const mutationsWindow = config.RATE_LIMIT_MUTATIONS_WINDOW_SECONDS
  return {
    authPerIp: limiter('auth-ip', config.RATE_LIMIT_AUTH_PER_IP, authWindow),
    authFailuresPerAccountFromIp: limiter('auth-account-ip', config.RATE_LIMIT_AUTH_FAILURES_PER_ACCOUNT, authWindow),
    // Only counted (penalty/get), never consumed: its points are the threshold of the slowdown.
    authFailuresPerAccount: limiter('auth-account', config.RATE_LIMIT_AUTH_FAILURES_PER_ACCOUNT, authWindow),
    mutationsPerUser: limiter('mutations-user', config.RATE_LIMIT_MUTATIONS_PER_USER, mutationsWindow),
    queriesPerClient: limiter('queries-client', config.RATE_LIMIT_QUERIES_PER_CLIENT, config.RATE_LIMIT_QUERIES_WINDOW_SECONDS),
    copilotRequestsPerUser: limiter('copilot-requests-user', config.RATE_LIMIT_COPILOT_REQUESTS_PER_USER, mutationsWindow),
    copilotRunsPerUser: limiter('copilot-user', config.RATE_LIMIT_COPILOT_RUNS_PER_USER, mutationsWindow),
    ordersPerIp: limiter('orders-ip', config.RATE_LIMIT_ORDERS_PER_IP, config.RATE_LIMIT_ORDERS_WINDOW_SECONDS),
  }
}

const tooManyRequests = (msBeforeNext: number) =>
  new DomainError('TOO_MANY_REQUESTS', 'Too many attempts. Please wait a moment and try again.', {
    retryAfterSeconds: Math.max(1, Math.ceil(msBeforeNext / 1000)),
  })

/** Takes one point for `key`, or throws TOO_MANY_REQUESTS with the seconds until the next is allowed. */
export async function consumePoint(limiter: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await limiter.consume(key)
  } catch (error) {
    if (error instanceof RateLimiterRes) throw tooManyRequests(error.msBeforeNext)
    throw error
  }
}

/** Throws TOO_MANY_REQUESTS when `key` has no points left, without taking one. */
export async function ensurePointsLeft(limiter: RateLimiterAbstract, key: string): Promise<void> {
  const state = await limiter.get(key)
  if (state && state.consumedPoints >= limiter.points) throw tooManyRequests(state.msBeforeNext)
}

/** The first slowed-down attempt waits this long; each further failure doubles it, up to the configured maximum. */
const FIRST_SLOWDOWN_MS = 250

/** How long to hold an attempt on `key`, once its failures reached the limiter's points. */
export async function slowdownFor(limiter: RateLimiterAbstract, key: string, maxMs: number): Promise<number> {
  const failures = (await limiter.get(key))?.consumedPoints ?? 0
  if (failures < limiter.points) return 0
  return Math.min(maxMs, FIRST_SLOWDOWN_MS * 2 ** Math.min(failures - limiter.points, 16))
}
