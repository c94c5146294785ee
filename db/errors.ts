/** SQLSTATE codes the core reacts to. */
export const pgErrorCodes = {
  uniqueViolation: '23505',
  checkViolation: '23514',
  foreignKeyViolation: '23503',
  insufficientPrivilege: '42501',
} as const

/** The SQLSTATE of a failed statement; drivers and Drizzle wrap it in `cause`. */
export function pgErrorCode(error: unknown): string | undefined {
  let current: unknown = error
  while (current && typeof current === 'object') {
    if ('code' in current && typeof current.code === 'string' && /^[0-9A-Z]{5}$/.test(current.code)) return current.code
    current = 'cause' in current ? current.cause : undefined
  }
  return undefined
}

/** The constraint a failed statement violated, when the driver reports it. */
export function pgConstraint(error: unknown): string | undefined {
  let current: unknown = error
  while (current && typeof current === 'object') {
    for (const key of ['constraint', 'constraint_name']) {
      if (key in current && typeof (current as Record<string, unknown>)[key] === 'string') {
        return (current as Record<string, string>)[key]
      }
    }
    current = 'cause' in current ? current.cause : undefined
  }
  return undefined
}

/**
 * postgres.js's codes for a connection that closed or never opened, and the socket errors beneath
 * them: the database (or the network to it) went away, not the statement.
 */
const connectionLostCodes = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
])

/**
 * SQLSTATEs of a server that is shutting down, restarting or full: class 08 (connection exception),
 * 57P01–57P03 (terminated by an administrator, crash, cannot connect now), 53300 (too many connections).
 */
const unavailableSqlState = /^(08...|57P0[123]|53300)$/

/** Whether a failure means the database is unreachable for now, so the request may simply be retried. */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error
  while (current && typeof current === 'object') {
    const code = 'code' in current ? current.code : undefined
    if (typeof code === 'string' && (connectionLostCodes.has(code) || unavailableSqlState.test(code))) return true
    current = 'cause' in current ? current.cause : undefined
  }
  return false
}
