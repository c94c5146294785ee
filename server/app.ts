import { randomBytes, randomUUID } from 'node:crypto'
import { readdirSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { createRequestHandler } from '@remix-run/express'
import type { AppLoadContext, ServerBuild } from '@remix-run/node'
import cors from 'cors'
import express, { type ErrorRequestHandler, type RequestHandler } from 'express'
import helmet from 'helmet'
import { pinoHttp } from 'pino-http'
import type { ViteDevServer } from 'vite'
import type { AppContext } from './app-context'
import { checkOrigin } from './auth/origin-check'
import { refreshSessions } from './auth/session-refresh'
import { healthRoute } from './health'
import './load-context'
import { trpcHandler } from './trpc/http'

export interface HttpAppOptions {
  app: AppContext
  /** Production: the built server and the folder of built client assets. */
  build?: { server: ServerBuild; clientDir: string }
  /** Development: Vite serves assets and the server build, with HMR. */
  vite?: ViteDevServer
}

const requestIdPattern = /^[\w.-]{1,128}$/

/** The Express app around Remix: request ids, health, logs, security headers, assets, the typed API, then Remix. */
export function createHttpApp({ app, build, vite }: HttpAppOptions) {
  const { config, logger } = app
  const server = express()
  server.disable('x-powered-by')
  server.set('trust proxy', config.TRUST_PROXY)

  server.use(assignRequestId)
  // A load balancer's poll, answered before the request logs and the pages' headers it has no use for.
  server.get('/healthz', healthRoute(app.health))
  server.use(
    pinoHttp({
      logger,
      genReqId: (_req, res) => res.getHeader('x-request-id') as string,
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  )
  server.use(
    securityHeaders({
      development: Boolean(vite),
      https: config.APP_URL.startsWith('https:'),
      // A local stand-in of Stripe's API (STRIPE_API_BASE) serves its stand-in of the Checkout page too.
      stripePages: config.STRIPE_API_BASE ? [new URL(config.STRIPE_API_BASE).origin] : [],
    }),
  )

  if (vite) {
    server.use(vite.middlewares)
  } else if (build) {
    // Fingerprinted files may be cached forever; everything else briefly.
    server.use('/assets', express.static(`${build.clientDir}/assets`, { immutable: true, maxAge: '1y' }))
    server.use(publicFiles(build.clientDir))
  }

  // The typed API may be called from the browsers of other origins listed in CORS_ORIGINS (bearer
  // tokens, no cookies); everything else is same-origin.
  server.use(
    '/api/trpc',
    cors({
      origin: config.CORS_ORIGINS,
      methods: ['GET', 'POST'],
      allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'trpc-accept', 'x-trpc-source'],
      maxAge: 600,
    }),
  )
  server.use(checkOrigin(config))
  server.use(refreshSessions(app))
  server.use('/api/trpc', trpcHandler(app))

  const remixBuild = vite ? () => vite.ssrLoadModule('virtual:remix/server-build') as Promise<ServerBuild> : build?.server
  if (!remixBuild) throw new Error('createHttpApp needs a server build or a Vite dev server')

  server.use(
    createRequestHandler({
      build: remixBuild,
      mode: vite ? 'development' : 'production',
      getLoadContext: (req, res): AppLoadContext => ({
        app,
        requestId: res.getHeader('x-request-id') as string,
        cspNonce: res.locals.cspNonce as string,
        clientIp: req.ip ?? req.socket.remoteAddress ?? 'unknown',
      }),
    }),
  )

  server.use(((error, req, res, _next) => {
    req.log.error({ err: error }, 'request failed')
    if (res.headersSent) return res.end()
    res.status(500).type('text/plain').send('Something went wrong on our side. Please try again.')
  }) satisfies ErrorRequestHandler)

  return server
}

/**
 * The files of `public/` (copied beside the assets by the build), served for an hour. Only their paths
 * reach the disk: asking the file system about every page's path cost a `stat` and an error per page.
 */
function publicFiles(clientDir: string): RequestHandler {
  const paths = new Set(
    readdirSync(clientDir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => `/${relative(clientDir, join(entry.parentPath, entry.name)).split(sep).join('/')}`)
      .filter((path) => !path.startsWith('/assets/')),
  )
  const files = express.static(clientDir, { maxAge: '1h' })
  return (req, res, next) => (paths.has(req.path) ? files(req, res, next) : next())
}

/** Keeps a proxy's request id when it looks like one, so a request can be followed across hops. */
const assignRequestId: RequestHandler = (req, res, next) => {
  const incoming = req.get('x-request-id')
  res.setHeader('X-Request-Id', incoming && requestIdPattern.test(incoming) ? incoming : randomUUID())
  next()
}

/**
 * Helmet's headers with a Content Security Policy: scripts only from us or carrying this response's
 * nonce (Remix's inline hydration scripts), no plugins, no framing. Development adds what Vite's HMR
 * needs (its websocket and injected styles); HSTS only when the app is served over https.
 */
function securityHeaders({ development, https, stripePages }: { development: boolean; https: boolean; stripePages: string[] }): RequestHandler {
  const nonce: RequestHandler = (_req, res, next) => {
    res.locals.cspNonce = randomBytes(16).toString('base64')
    next()
  }
  const headers = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'", (_req, res) => `'nonce-${(res as express.Response).locals.cspNonce}'`],
        'style-src': development ? ["'self'", "'unsafe-inline'"] : ["'self'"],
        'img-src': ["'self'", 'https:', 'data:'],
        'font-src': ["'self'"],
        'connect-src': development ? ["'self'", 'ws:'] : ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'self'"],
        // The payment stage's form redirects to Stripe's onboarding, the event page's to Checkout;
        // Chrome applies form-action to the redirect too.
        'form-action': ["'self'", 'https://connect.stripe.com', 'https://checkout.stripe.com', ...stripePages],
        'frame-ancestors': ["'none'"],
        ...(https ? { 'upgrade-insecure-requests': [] } : {}),
      },
    },
    crossOriginEmbedderPolicy: false,
    // Not `no-referrer`: under it browsers send `Origin: null` on same-origin form posts, which the
    // cross-site check must refuse. `same-origin` still tells other sites nothing.
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  })
  return (req, res, next) => nonce(req, res, () => headers(req, res, next))
}
