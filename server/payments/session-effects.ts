import { and, asc, eq } from 'drizzle-orm'
import type { Transaction } from '../../db/client'
import { wizardActions, wizardSessions } from '../../db/schema'
import { webhookActionRow } from '../wizard/audit'
import { evaluate, saveChange, stageDataOf } from '../wizard/session-state'
import { connectedAccountOf, type PaymentAccountRow } from './accounts'

/**
 * A webhook changed a connected account: every unfinished session linked to it stores its payment
 * stage and progress anew (a stage that no longer validates leaves the completed ones, as after any
 * write), with one audit row each, in the webhook's transaction. Returns how many sessions changed.
 */
export async function applyAccountToSessions(
  tx: Transaction,
  account: PaymentAccountRow,
  now: Date,
  audit: { action: 'paymentAccountUpdated' | 'paymentAccountDisconnected'; eventId: string },
): Promise<number> {
  const connected = connectedAccountOf(account)
  const sessions = await tx
    .select()
    .from(wizardSessions)
    .where(and(eq(wizardSessions.stripeAccountId, account.stripeAccountId), eq(wizardSessions.status, 'in_progress')))
    .orderBy(asc(wizardSessions.id)) // one lock order, whoever else locks several
    .for('update')
  for (const row of sessions) {
    const started = performance.now()
    const session = { ...row, connectedAccount: connected }
    const progress = evaluate(session, stageDataOf(session), now)
    // Not an interaction of the organizer: the expiry does not move; the version does (the data changed).
    const { paymentStatus } = await saveChange(tx, session, now, progress, {}, { byOrganizer: false })
    await tx.insert(wizardActions).values(
      webhookActionRow(
        {
          action: audit.action,
          sessionId: row.id,
          organizationId: row.organizationId,
          payload: { eventId: audit.eventId, accountId: account.stripeAccountId, status: paymentStatus },
        },
        started,
      ),
    )
  }
  return sessions.length
}
