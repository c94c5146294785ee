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
