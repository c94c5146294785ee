import { createExpressMiddleware } from '@trpc/server/adapters/express'
import type { Request, RequestHandler } from 'express'
import type { AppContext } from '../app-context'
import { DomainError } from '../errors'
import { checkBatchSize, createTrpcContext } from './init'
import { appRouter } from './root'

export const MAX_BODY_BYTES = 1_000_000

/**
 * `/api/trpc`: the typed API, served by tRPC's own Node adapter in front of Remix. It used to be a Remix
 * resource route; Remix matching every route and converting the request and the response cost a
 * third of a merge's CPU (BENCHMARKS.md) and gave the API nothing.
 */
export function trpcHandler(app: AppContext): RequestHandler {
  return createExpressMiddleware({
    router: appRouter,
    // A whole wizard is a few kilobytes; a larger body is refused (413) as it streams in.
    maxBodySize: MAX_BODY_BYTES,
    createContext: ({ req, res, info }) => {
      checkBatchSize(info)
      return createTrpcContext({
        app,
        request: { headers: nodeHeaders(req) },
        requestId: res.getHeader('x-request-id') as string,
        clientIp: req.ip ?? req.socket.remoteAddress ?? 'unknown',
        resHeaders: { append: (name, value) => res.appendHeader(name, value) },
        source: 'api',
      })
    },
    responseMeta({ errors }) {
      const retryAfter = errors
        .map((error) => (error.cause instanceof DomainError ? error.cause.retryAfterSeconds : undefined))
        .find((seconds) => seconds !== undefined)
      return retryAfter ? { headers: new Headers({ 'Retry-After': String(retryAfter) }) } : {}
    },
    onError({ error, path, req }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') {
        app.logger.error({ err: error.cause ?? error, path, requestId: req.res?.getHeader('x-request-id') }, 'procedure failed')
      }
    },
  })
}

/** Node's request headers as the Fetch API's `get` reads them (a repeated header joined, as Headers does). */
function nodeHeaders(req: Request): Pick<Headers, 'get'> {
  return {
    get: (name) => {
      const value = req.headers[name.toLowerCase()]
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value
    },
  }
}
