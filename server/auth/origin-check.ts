import type { RequestHandler } from 'express'
import type { Config } from '../config'
import { hasSupabaseSessionCookie } from './supabase'

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Cross-site request forgery guard for cookie-authenticated writes. A state-changing request is
 * refused (403, before any handler runs) when it comes from a foreign page — its Origin (or, without
 * one, its Referer) is not this app — or when it carries the session cookie and says nowhere where it
 * comes from. Clients authenticating with a bearer token and no cookie (typed API, webhooks) are not
 * affected: a browser on another site cannot add that header.
 */
export function checkOrigin(config: Pick<Config, 'APP_URL' | 'CORS_ORIGINS'>): RequestHandler {
  const trusted = new Set([new URL(config.APP_URL).origin, ...config.CORS_ORIGINS.map((origin) => new URL(origin).origin)])
  return (req, res, next) => {
    if (safeMethods.has(req.method)) return next()
    const ownOrigin = `${req.protocol}://${req.get('host')}`
    const claimed = req.get('origin') ?? originOf(req.get('referer'))
    const allowed = (origin: string) => origin === ownOrigin || trusted.has(origin)
    const cookieHeader = req.headers.cookie ?? null
    const carriesSession = /(?:^|;\s*)ew_session=/.test(cookieHeader ?? '') || hasSupabaseSessionCookie(cookieHeader)
    if (claimed ? !allowed(claimed) : carriesSession) {
      req.log.warn({ origin: claimed ?? null }, 'cross-site request refused')
      res.status(403).type('text/plain').send('This request came from another site and was refused.')
      return
    }
    next()
  }
}

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined
  try {
    return new URL(url).origin
  } catch {
    return 'invalid'
  }
}
