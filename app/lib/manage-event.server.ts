import { TRPCError } from '@trpc/server'

/**
 * The organizer's pages for one event answer the app's 404 when the event does not exist, is not the
 * caller's (not found and not yours look the same), or the address does not even hold an event id.
 */
export function notFoundAs404(error: unknown): never {
  if (error instanceof TRPCError && (error.code === 'NOT_FOUND' || error.code === 'BAD_REQUEST')) {
    throw new Response('Not found', { status: 404 })
  }
  throw error
}
