import { eq } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { withRls } from '../../db/rls'
import { copilotThreads } from '../../db/schema'
import type { AuthenticatedClaims } from '../auth/identity'

/** The thread ids a browser may pick: CopilotKit's are UUIDs; anything longer is not a thread. */
export const MAX_THREAD_ID_LENGTH = 200

/**
 * Claims a copilot thread for the caller and their wizard session, or checks an earlier claim, in
 * `event_wizard.copilot_threads` (shared by every instance). True when the thread is the caller's, for
 * this session; false when it belongs to someone else (whose row RLS hides) or to another wizard.
 * The runtime keeps a thread's messages by its id alone, so this is what keeps one user from running,
 * reconnecting to or stopping another's thread.
 */
export async function claimThread(db: Database, claims: AuthenticatedClaims, threadId: string, sessionId: string): Promise<boolean> {
  return withRls(db, claims, async (tx) => {
    await tx.insert(copilotThreads).values({ threadId, userId: claims.sub, sessionId }).onConflictDoNothing()
    const [thread] = await tx.select({ sessionId: copilotThreads.sessionId }).from(copilotThreads).where(eq(copilotThreads.threadId, threadId))
    return thread?.sessionId === sessionId
  })
}
