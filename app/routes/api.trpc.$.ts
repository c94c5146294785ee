import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { fetchRequestHandler } from '@trpc/server/adapters/fetch'
import { DomainError } from '../../server/errors'
import { checkBatchSize, createTrpcContext } from '../../server/trpc/init'
import { appRouter } from '../../server/trpc/root'

function handle({ request, context }: LoaderFunctionArgs | ActionFunctionArgs) {
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req: request,
    router: appRouter,
    createContext: ({ resHeaders, info }) => {
      checkBatchSize(info)
      return createTrpcContext({
        app: context.app,
        request,
        requestId: context.requestId,
        clientIp: context.clientIp,
        resHeaders,
        source: 'api',
      })
    },
    responseMeta({ errors }) {
      const retryAfter = errors
        .map((error) => (error.cause instanceof DomainError ? error.cause.retryAfterSeconds : undefined))
        .find((seconds) => seconds !== undefined)
      return retryAfter ? { headers: new Headers({ 'Retry-After': String(retryAfter) }) } : {}
    },
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') {
        context.app.logger.error({ err: error.cause ?? error, path, requestId: context.requestId }, 'procedure failed')
      }
    },
  })
}

export const loader = handle
export const action = handle
