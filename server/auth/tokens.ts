import { SignJWT } from 'jose'

export interface SessionUser {
  id: string
  email: string
}

export interface IssuedSession {
  accessToken: string
  expiresAt: Date
  user: SessionUser
}

/** When a token signed now would expire. */
export const tokenExpiry = (now: Date, ttlSeconds: number) => new Date((Math.floor(now.getTime() / 1000) + ttlSeconds) * 1000)

/**
 * Signs a short-lived HS256 access token with the claims Supabase puts in its own, so the database
 * reads `auth.uid()` the same way in both auth modes; `sid` names the sign-in session it belongs to,
 * which signing out ends.
 */
export async function issueAccessToken(
  user: SessionUser,
  options: { secret: string; issuer: string; ttlSeconds: number; now: Date; sessionId: string },
): Promise<IssuedSession> {
  const issuedAt = Math.floor(options.now.getTime() / 1000)
  const expiresAt = issuedAt + options.ttlSeconds
  const accessToken = await new SignJWT({ role: 'authenticated', email: user.email, aal: 'aal1', is_anonymous: false, sid: options.sessionId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.id)
    .setAudience('authenticated')
    .setIssuer(options.issuer)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(new TextEncoder().encode(options.secret))
  return { accessToken, expiresAt: new Date(expiresAt * 1000), user }
}
