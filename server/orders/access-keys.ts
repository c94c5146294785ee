import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

/**
 * The key in a buyer's link and cookie. Derived from the order id with a server secret rather than
 * drawn at random, so a retried order (same Idempotency-Key, or a double-submitted form whose first
 * answer the browser dropped) can be given its key again, and the e-mail worker can put it in the link
 * without the key ever being stored: the database keeps only its hash.
 */
export function accessKeyOf(secret: string, orderId: string): string {
  return createHmac('sha256', secret).update(`order-access:${orderId}`).digest('base64url')
}

export function hashAccessKey(key: string): string {
  return createHash('sha256').update(key).digest('hex')
}

/** Compares hashes in constant time, so the time taken says nothing about how much of a key was right. */
export function accessKeyMatches(key: string, storedHash: string): boolean {
  const given = Buffer.from(hashAccessKey(key), 'hex')
  const stored = Buffer.from(storedHash, 'hex')
  return given.length === stored.length && timingSafeEqual(given, stored)
}

/** A secret of its own for order keys, derived from the app's signing secret (never the same bytes). */
export function orderAccessSecret(signingSecret: string): string {
  return createHmac('sha256', signingSecret).update('event-wizard/order-access-keys').digest('base64url')
}
