import { sql } from 'drizzle-orm'
import type { Database, Transaction } from './client'

/** The roles a request may act as. Anything else in a token is refused before the database. */
export const requestRoles = ['anon', 'authenticated'] as const
export type RequestRole = (typeof requestRoles)[number]

/** Supabase-shaped JWT claims; `sub` is the user id (absent for anon). */
export interface Claims {
  role: RequestRole
  sub?: string
  email?: string
  aud?: string | string[]
  iss?: string
  exp?: number
  iat?: number
  [claim: string]: unknown
}

export const anonClaims: Claims = { role: 'anon' }

export class RoleNotAllowedError extends Error {
  constructor(role: unknown) {
    super(`Role ${JSON.stringify(role)} may not be used by a request`)
    this.name = 'RoleNotAllowedError'
  }
}

/**
 * Runs `fn` in one transaction as the request's role with its claims, so every statement is checked
 * by Row Level Security. The claims are a bound parameter; both settings are transaction-local, so
 * nothing needs resetting (and a reset in `finally` would hide the real error).
 */
export async function withRls<T>(db: Database, claims: Claims, fn: (tx: Transaction) => Promise<T>): Promise<T> {
  if (!requestRoles.includes(claims.role)) throw new RoleNotAllowedError(claims.role)
  return db.transaction(async (tx) => {
    // Not awaited before `fn`: postgres.js sends the claims with fn's first statement, in that order,
    // one round trip fewer (decision 006). A failure of the claims is the error reported.
    const claimsSet = tx
      .execute(sql`select set_config('request.jwt.claims', ${JSON.stringify(claims)}, true), set_config('role', ${claims.role}, true)`)
      .then(() => undefined)
    const [, value] = await Promise.all([claimsSet, fn(tx)])
    return value
  })
}

/**
 * The only way to the service role, which bypasses Row Level Security: for the Stripe webhook, jobs
 * and the core's organization functions. Keep every use greppable.
 */
export async function asServiceRole<T>(db: Database, fn: (tx: Transaction) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('request.jwt.claims', '{"role":"service_role"}', true), set_config('role', 'service_role', true)`)
    return fn(tx)
  })
}
