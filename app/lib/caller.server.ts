import type { AppLoadContext } from '@remix-run/node'
import { DomainError } from '../../server/errors'
import { createTrpcContext } from '../../server/trpc/init'
import { createCaller } from '../../server/trpc/root'

/**
 * The same procedures the typed API serves, called in-process by loaders and actions. Cookies the
 * procedures set land in `resHeaders`, for the route to return with its response.
 *
 * When the database is unavailable for a moment, the call throws a 503 response with Retry-After
 * instead of its error: every page, form and resource route answers "try again shortly" (through the
 * root error boundary) rather than a 500, without each route handling it.
 */
export async function callerFor(
  { request, context }: { request: Request; context: AppLoadContext },
  resHeaders: Headers = new Headers(),
) {
  const ctx = await createTrpcContext({
    app: context.app,
    request,
    requestId: context.requestId,
    clientIp: context.clientIp,
    resHeaders,
    source: 'form',
  })
  return createCaller(ctx, {
    onError({ error }) {
      if (error.code !== 'SERVICE_UNAVAILABLE') return
      const retryAfter = error.cause instanceof DomainError ? error.cause.retryAfterSeconds : undefined
      throw new Response(error.message, { status: 503, headers: retryAfter ? { 'Retry-After': String(retryAfter) } : {} })
    },
  })
}
