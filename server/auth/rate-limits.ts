import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible'
import type { Config } from '../config'
import { DomainError } from '../errors'

/**
 * Per-instance limits (memory store): sign-in and sign-up per client IP, failed sign-ins per account,
 * mutations and copilot runs per user, queries per user (or per IP when signed out). Limits come from
 * config so a benchmark can raise them.
 */
export interface RateLimits {
  authPerIp: RateLimiterMemory
  authFailuresPerAccount: RateLimiterMemory
  mutationsPerUser: RateLimiterMemory
  queriesPerClient: RateLimiterMemory
  copilotRunsPerUser: RateLimiterMemory
}

export function createRateLimits(config: Config): RateLimits {
  return {
    authPerIp: new RateLimiterMemory({
      keyPrefix: 'auth-ip',
      points: config.RATE_LIMIT_AUTH_PER_IP,
      duration: config.RATE_LIMIT_AUTH_WINDOW_SECONDS,
    }),
    authFailuresPerAccount: new RateLimiterMemory({
      keyPrefix: 'auth-account',
      points: config.RATE_LIMIT_AUTH_FAILURES_PER_ACCOUNT,
      duration: config.RATE_LIMIT_AUTH_WINDOW_SECONDS,
    }),
    mutationsPerUser: new RateLimiterMemory({
      keyPrefix: 'mutations-user',
      points: config.RATE_LIMIT_MUTATIONS_PER_USER,
      duration: config.RATE_LIMIT_MUTATIONS_WINDOW_SECONDS,
    }),
    queriesPerClient: new RateLimiterMemory({
      keyPrefix: 'queries-client',
      points: config.RATE_LIMIT_QUERIES_PER_CLIENT,
      duration: config.RATE_LIMIT_QUERIES_WINDOW_SECONDS,
    }),
    copilotRunsPerUser: new RateLimiterMemory({
      keyPrefix: 'copilot-user',
      points: config.RATE_LIMIT_COPILOT_RUNS_PER_USER,
      duration: config.RATE_LIMIT_MUTATIONS_WINDOW_SECONDS,
    }),
  }
}

const tooManyRequests = (msBeforeNext: number) =>
  new DomainError('TOO_MANY_REQUESTS', 'Too many attempts. Please wait a moment and try again.', {
    retryAfterSeconds: Math.max(1, Math.ceil(msBeforeNext / 1000)),
  })

/** Takes one point for `key`, or throws TOO_MANY_REQUESTS with the seconds until the next is allowed. */
export async function consumePoint(limiter: RateLimiterMemory, key: string): Promise<void> {
  try {
    await limiter.consume(key)
  } catch (error) {
    if (error instanceof RateLimiterRes) throw tooManyRequests(error.msBeforeNext)
    throw error
  }
}

/** Throws TOO_MANY_REQUESTS when `key` has no points left, without taking one. */
export async function ensurePointsLeft(limiter: RateLimiterMemory, key: string): Promise<void> {
  const state = await limiter.get(key)
  if (state && state.consumedPoints >= limiter.points) throw tooManyRequests(state.msBeforeNext)
}
