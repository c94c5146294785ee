import type { RequestHandler } from 'express'
import type { AppContext } from '../app-context'
import { createSupabaseServerClient, hasSupabaseSessionCookie } from './supabase'

/**
 * Keeps a browser's session alive while it is used. Local mode: once half of the token's lifetime has
 * passed, a fresh token replaces it. Supabase mode: an expired access token is refreshed with the
 * refresh token, and the new cookies are both sent back and seen by the rest of this request.
 */
export function refreshSessions(app: AppContext): RequestHandler {
  return async (req, res, next) => {
    try {
      if (app.config.AUTH_MODE === 'local') {
        const token: unknown = await app.auth.sessionCookie.parse(req.headers.cookie ?? null)
        if (typeof token !== 'string' || !token) return next()
        const identity = await app.auth.verifyToken(token)
        if (identity.kind !== 'authenticated') return next()
        const secondsLeft = (identity.claims.exp ?? 0) - app.now().getTime() / 1000
        if (secondsLeft > app.config.AUTH_SESSION_TTL_SECONDS / 2) return next()
        const session = await app.auth.renewLocalSession(identity.claims)
        res.append('Set-Cookie', await app.auth.sessionCookie.serialize(session.accessToken, { expires: session.expiresAt }))
        return next()
      }
      if (!hasSupabaseSessionCookie(req.headers.cookie ?? null)) return next()
      const refreshed: string[] = []
      const supabase = createSupabaseServerClient(app.config, req.headers.cookie ?? null, (cookie) => refreshed.push(cookie))
      await supabase.auth.getSession()
      if (refreshed.length > 0) {
        res.append('Set-Cookie', refreshed)
        req.headers.cookie = mergeCookies(req.headers.cookie ?? '', refreshed)
      }
    } catch (error) {
      req.log.warn({ err: error }, 'session refresh failed')
    }
    next()
  }
}

/** The request's cookies with the newly set ones applied (removed when they expire now). */
function mergeCookies(header: string, setCookies: string[]): string {
  const jar = new Map(
    header
      .split(';')
      .map((pair) => pair.trim())
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)] as const),
  )
  for (const cookie of setCookies) {
    const [pair = '', ...attributes] = cookie.split(';')
    const name = pair.slice(0, pair.indexOf('='))
    const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute))
    if (expired) jar.delete(name)
    else jar.set(name, pair.slice(pair.indexOf('=') + 1))
  }
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
}
