import type { AppLoadContext } from '@remix-run/node'
import { TRPCError } from '@trpc/server'
import { DomainError, isDatabaseUnavailable } from '../../server/errors'
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
export async function callerFor({ request, context }: { request: Request; context: AppLoadContext }, resHeaders: Headers = new Headers()) {
  const ctx = await createTrpcContext({
    app: context.app,
    request,
    requestId: context.requestId,
    clientIp: context.clientIp,
    resHeaders,
    source: 'form',
  }).catch((error: unknown) => {
    throw unavailableResponse(error) ?? error
  })
  return createCaller(ctx, {
    onError({ error }) {
      const unavailable = unavailableResponse(error)
      if (unavailable) throw unavailable
    },
  })
}

/**
 * The 503 with Retry-After a page answers when the database is away for a moment; null for anything
 * else (the payment service being away is told beside the form that called it).
 */
export function unavailableResponse(error: unknown): Response | null {
  const cause = error instanceof TRPCError ? error.cause : error
  if (!(cause instanceof DomainError) || cause.code !== 'SERVICE_UNAVAILABLE' || !isDatabaseUnavailable(cause.cause)) return null
  const retryAfter = cause.retryAfterSeconds
  return new Response(cause.message, { status: 503, headers: retryAfter ? { 'Retry-After': String(retryAfter) } : {} })
}
