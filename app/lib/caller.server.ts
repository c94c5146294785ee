import type { AppLoadContext } from '@remix-run/node'
import { createTrpcContext } from '../../server/trpc/init'
import { createCaller } from '../../server/trpc/root'

/**
 * The same procedures the typed API serves, called in-process by loaders and actions. Cookies the
 * procedures set land in `resHeaders`, for the route to return with its response.
 */
export async function callerFor(
  { request, context }: { request: Request; context: AppLoadContext },
  resHeaders: Headers = new Headers(),
) {
  return createCaller(
    await createTrpcContext({
      app: context.app,
      request,
      requestId: context.requestId,
      clientIp: context.clientIp,
      resHeaders,
      source: 'form',
    }),
  )
}
