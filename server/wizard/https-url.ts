/** Links are kept to this length, in the stages and on the pages. */
export const MAX_URL_LENGTH = 2048

export const HTTPS_PREFIX = /^https:\/\//

/**
 * A URL whose protocol is exactly `https:` (so no `javascript:`, `http:` or `data:`). Imports nothing:
 * the public pages check stored links with it without loading the stage schemas.
 */
export function isHttpsUrl(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > MAX_URL_LENGTH || !HTTPS_PREFIX.test(value)) return false // new URL would forgive leading spaces
  try {
    return new URL(value).protocol === 'https:'
  } catch {
    return false
  }
}
