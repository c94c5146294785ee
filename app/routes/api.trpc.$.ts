import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { fetchRequestHandler } from '@trpc/server/adapters/fetch'
import { createTrpcContext } from '../../server/trpc/init'
import { appRouter } from '../../server/trpc/root'

function handle({ request, context }: LoaderFunctionArgs | ActionFunctionArgs) {
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req: request,
    router: appRouter,
    createContext: () => createTrpcContext({ app: context.app, request, requestId: context.requestId }),
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') {
        context.app.logger.error({ err: error.cause ?? error, path, requestId: context.requestId }, 'procedure failed')
      }
    },
  })
}

export const loader = handle
export const action = handle
