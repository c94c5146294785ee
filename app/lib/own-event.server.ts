import { TRPCError } from '@trpc/server'
import type { callerFor } from './caller.server'

type Caller = Awaited<ReturnType<typeof callerFor>>

/**
 * One of the caller's events (theirs or their organization's) by id, as their dashboard lists it; null
 * for anyone else's, and for a visitor who is not signed in.
 */
export async function ownEvent(caller: Caller, eventId: string) {
  const mine = await caller.events.mine().catch((error: unknown) => {
    // Signed out: nothing is theirs. Anything else (the database away) is the page's to answer.
    if (error instanceof TRPCError && error.code === 'UNAUTHORIZED') return null
    throw error
  })
  return mine?.find((event) => event.id === eventId) ?? null
}
