import type { Transaction } from '../../db/client'
import { emailOutbox } from '../../db/schema'
import type { EmailTemplate } from './templates'

export interface QueuedEmail {
  recipient: string
  template: EmailTemplate
  /** What the template needs to render the e-mail when it is sent (ids, not copies of the data). */
  payload: Record<string, unknown>
}

/** Queues an e-mail in the caller's transaction: it is sent only if that transaction commits. */
export async function queueEmail(tx: Transaction, email: QueuedEmail): Promise<void> {
  await tx.insert(emailOutbox).values(email)
}
