import type { IncomingHttpHeaders } from 'node:http'
import { createExpressMiddleware } from '@trpc/server/adapters/express'
import type { AppContext } from '../app-context'
import { DomainError } from '../errors'
import { createTrpcContext } from './init'
import { appRouter } from './root'

const headersOf = (incoming: IncomingHttpHeaders) =>
  new Headers(
    Object.entries(incoming).flatMap(([name, value]): [string, string][] =>
      value === undefined ? [] : Array.isArray(value) ? value.map((item) => [name, item]) : [[name, value]],
    ),
  )

/**
 * The typed API at `/api/trpc`, served by Express directly rather than through a Remix resource route:
 * it needs nothing of Remix, and skipping its request adapter and router is the cheapest part of a
 * call to cut (BENCHMARKS.md). The same router, context and error rules as every other door.
 */
export function typedApi(app: AppContext) {
  return createExpressMiddleware({
    router: appRouter,
    createContext: ({ req, res }) =>
      createTrpcContext({
        app,
        // The identity reader and the idempotency key only read headers.
        request: new Request(`${app.config.APP_URL}${req.originalUrl}`, { headers: headersOf(req.headers) }),
        requestId: res.getHeader('x-request-id') as string,
        clientIp: req.ip ?? req.socket.remoteAddress ?? 'unknown',
        resHeaders: { append: (name, value) => void res.append(name, value) },
        source: 'api',
      }),
    responseMeta({ errors }) {
      const retryAfter = errors
        .map((error) => (error.cause instanceof DomainError ? error.cause.retryAfterSeconds : undefined))
        .find((seconds) => seconds !== undefined)
      return retryAfter ? { headers: new Headers({ 'Retry-After': String(retryAfter) }) } : {}
    },
    onError({ error, path, ctx }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') {
        app.logger.error({ err: error.cause ?? error, path, requestId: ctx?.requestId }, 'procedure failed')
      }
    },
  })
}
