import { and, eq, isNull } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { type Claims, withRls } from '../../db/rls'
import { authSessions } from '../../db/schema'
import type { AuthenticatedClaims, TokenVerifier } from './identity'

/**
 * Local sign-in sessions (`event_wizard.auth_sessions`): each token the server signs names its session
 * in the `sid` claim. Every statement runs under RLS as the account itself: the server has just
 * checked its password (start) or its token (renew, end, check).
 */

const asAccount = (userId: string): Claims => ({ role: 'authenticated', sub: userId })

/** Starts a session for an account whose password was just checked; returns its id. */
export async function startSignInSession(db: Database, userId: string, expiresAt: Date): Promise<string> {
  const [session] = await withRls(db, asAccount(userId), (tx) => tx.insert(authSessions).values({ userId, expiresAt }).returning({ id: authSessions.id }))
  if (!session) throw new Error('sign-in session not started')
  return session.id
}

/** A renewed token lives longer: so does its session (cleanup prunes sessions by their expiry). */
export async function renewSignInSession(db: Database, claims: AuthenticatedClaims, expiresAt: Date): Promise<void> {
  const sid = sessionIdOf(claims)
  if (!sid) return
  await withRls(db, claims, (tx) =>
    tx
      .update(authSessions)
      .set({ expiresAt })
      .where(and(eq(authSessions.id, sid), isNull(authSessions.revokedAt))),
  )
}

/** Ends the session the token names; its tokens are refused from then on (other instances: see below). */
export async function endSignInSession(db: Database, claims: AuthenticatedClaims, now: Date): Promise<void> {
  const sid = sessionIdOf(claims)
  if (!sid) return
  await withRls(db, claims, (tx) =>
    tx
      .update(authSessions)
      .set({ revokedAt: now })
      .where(and(eq(authSessions.id, sid), isNull(authSessions.revokedAt))),
  )
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export const sessionIdOf = (claims: Claims): string | null => (typeof claims.sid === 'string' && uuidPattern.test(claims.sid) ? claims.sid : null)

/**
 * How long an instance answers "still signed in" from memory (at most 30 s, as the README's "Sign-in" promises). An ended
 * session is refused at once by the instance that ended it, and by the others within this bound.
 */
export const SESSION_CHECK_CACHE_MS = 30_000
const REMEMBERED_SESSIONS_MAX = 10_000

export interface SignInSessionChecker {
  /** Wraps a token verifier: a verified token whose session is not active is refused. */
  verifier(verify: TokenVerifier): TokenVerifier
  /** Forgets what this instance remembers of the token's session, after it ended it. */
  forget(claims: AuthenticatedClaims): void
}

/**
 * Checks a token's session against the table, remembering an active one (by account and session) for
 * at most SESSION_CHECK_CACHE_MS by the app's clock. Refusals are not remembered: an ended session is
 * never reopened, so asking again can only refuse again. Forgetting an entry (the map is bounded) only
 * costs one more query.
 */
export function createSignInSessionChecker(db: Database, now: () => Date): SignInSessionChecker {
  const activeUntil = new Map<string, number>()
  const keyOf = (userId: string, sid: string) => `${userId}/${sid}`
  const isActive = async (claims: AuthenticatedClaims, sid: string): Promise<boolean> => {
    const at = now().getTime()
    const key = keyOf(claims.sub, sid)
    if ((activeUntil.get(key) ?? 0) > at) return true
    activeUntil.delete(key)
    // The policy shows a session only to its own account: a sid borrowed from another token finds nothing.
    const [row] = await withRls(db, claims, (tx) =>
      tx
        .select({ id: authSessions.id })
        .from(authSessions)
        .where(and(eq(authSessions.id, sid), isNull(authSessions.revokedAt))),
    )
    if (!row) return false
    if (activeUntil.size >= REMEMBERED_SESSIONS_MAX) activeUntil.delete(activeUntil.keys().next().value!)
    activeUntil.set(key, at + SESSION_CHECK_CACHE_MS)
    return true
  }
  return {
    verifier: (verify) => async (token) => {
      const identity = await verify(token)
      if (identity.kind !== 'authenticated') return identity
      const sid = sessionIdOf(identity.claims)
      if (!sid || !(await isActive(identity.claims, sid))) return { kind: 'invalid', reason: 'session ended' }
      return identity
    },
    forget: (claims) => {
      const sid = sessionIdOf(claims)
      if (sid) activeUntil.delete(keyOf(claims.sub, sid))
    },
  }
}
