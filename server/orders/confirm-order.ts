import type { Transaction } from '../../db/client'
import { tickets } from '../../db/schema'
import { queueEmail } from '../mail/outbox'
import type { SeatLine } from './capacity'
import { newTicketCode } from './ticket-codes'

export interface ConfirmedOrder {
  id: string
  eventId: string
  buyerName: string
  buyerEmail: string
}

/**
 * What confirming an order does, in the transaction that confirms it: one ticket per seat, and the
 * confirmation e-mail queued in the outbox, so a rollback takes both back and a commit forgets neither.
 */
export async function issueTicketsAndConfirmation(tx: Transaction, order: ConfirmedOrder, lines: SeatLine[]): Promise<void> {
  await tx.insert(tickets).values(
    lines.flatMap((line) =>
      Array.from({ length: line.quantity }, () => ({
        orderId: order.id,
        tierId: line.tier.id,
        eventId: order.eventId,
        code: newTicketCode(),
        holderName: order.buyerName,
      })),
    ),
  )
  await queueEmail(tx, { recipient: order.buyerEmail, template: 'order-confirmation', payload: { orderId: order.id } })
}
