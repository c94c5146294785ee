import type { RequestHandler } from 'express'
import type { Config } from '../config'
import { SESSION_COOKIE_NAME } from '../cookies/session-cookie'
import { hasSupabaseSessionCookie } from './supabase'

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS'])
const sessionCookiePattern = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE_NAME}=`)

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
    const carriesSession = sessionCookiePattern.test(cookieHeader ?? '') || hasSupabaseSessionCookie(cookieHeader)
    if (claimed ? !allowed(claimed) : carriesSession) {
      req.log.warn({ origin: claimed ?? null }, 'cross-site request refused')
      res.status(403).type('text/plain').send('This request came from another site and was refused.')
      return
    }
    if (!req.path.startsWith('/api/') && !originMatchesHost(req.get('origin'), req.get('x-forwarded-host'), req.get('host'))) {
      req.log.warn({ origin: req.get('origin') }, 'post whose Origin is not its Host refused')
      res
        .status(403)
        .type('text/plain')
        .send(
          'This request was sent to another Host than its Origin and was refused. A proxy in front of the app must keep the Host header or send X-Forwarded-Host.',
        )
      return
    }
    next()
  }
}

/**
 * Remix's own rule for page and data posts (`throwIfPotentialCSRFAttack`): the Origin's host must be
 * the first X-Forwarded-Host, or else the Host. Remix enforces it by throwing, which the client sees as
 * an empty 500, so it is checked here first. A proxy that rewrites Host makes an APP_URL origin pass
 * the check above and fail this one. Routes under /api/ are resource routes, which Remix does not
 * check and which CORS_ORIGINS may call.
 */
function originMatchesHost(origin: string | undefined, forwardedHost: string | undefined, host: string | undefined): boolean {
  if (!origin) return true
  const sentTo = forwardedHost?.split(',')[0]?.trim() || host
  try {
    return new URL(origin).host === sentTo
  } catch {
    return false
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
