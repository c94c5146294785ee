import { eq } from 'drizzle-orm'
import type Stripe from 'stripe'
import type { Transaction } from '../../db/client'
import { orders } from '../../db/schema'
import { DomainError } from '../errors'
import { reserveSeats } from './capacity'
import { issueTicketsAndConfirmation } from './confirm-order'
import { refundPayment } from './refund-payment'
import { linesOfOrder, releaseOrder } from './release'

/**
 * What Stripe's Checkout and refund events do to orders, inside the webhook's transaction (the event's
 * row locked, so deliveries of one event run one at a time). Returns what happened, for the log; an
 * event about an order this server does not know is stored and left.
 */
export async function applyOrderPaymentEvent(tx: Transaction, stripe: Stripe, event: Stripe.Event, now: Date): Promise<string | null> {
  switch (event.type) {
    case 'checkout.session.completed':
      // Paid by card: confirmed now. Paid by a delayed method: its own event follows.
      if (event.data.object.payment_status === 'unpaid') return 'waiting for an asynchronous payment'
      return confirmPaidOrder(tx, stripe, event.data.object, now)
    case 'checkout.session.async_payment_succeeded':
      return confirmPaidOrder(tx, stripe, event.data.object, now)
    case 'checkout.session.expired':
    case 'checkout.session.async_payment_failed': {
      const order = await orderOfSession(tx, event.data.object)
      if (!order) return 'no change: an unknown order'
      const released = await releaseOrder(tx, order.id, { from: 'pending', to: 'expired' }, now)
      return released ? 'hold released' : `no change: the order is ${order.status}`
    }
    case 'charge.refunded': {
      const paymentIntent = idOf(event.data.object.payment_intent)
      if (!paymentIntent) return 'no change: no payment intent'
      const [order] = await tx.select().from(orders).where(eq(orders.stripePaymentIntentId, paymentIntent)).for('update')
      if (!order) return 'no change: an unknown payment'
      if (!event.data.object.refunded) return 'no change: partly refunded'
      // Refunded from Stripe's dashboard, or our own refund whose transaction did not commit: the seats go back.
      const released = await releaseOrder(tx, order.id, { from: 'confirmed', to: 'refunded' }, now)
      return released ? 'refund recorded; seats released' : `no change: the order is ${order.status}`
    }
    default:
      return null
  }
}

const idOf = (value: string | { id: string } | null | undefined) => (typeof value === 'string' ? value : (value?.id ?? null))

async function orderOfSession(tx: Transaction, session: Stripe.Checkout.Session) {
  const orderId = session.metadata?.order_id ?? session.client_reference_id
  if (!orderId || !/^[0-9a-f-]{36}$/i.test(orderId)) return null
  const [order] = await tx.select().from(orders).where(eq(orders.id, orderId)).for('update')
  // The session must be the order's own (or the order's first, not stored yet when the process died).
  if (!order || (order.stripeCheckoutSessionId && order.stripeCheckoutSessionId !== session.id)) return null
  return order
}

/**
 * A completed payment: the pending order is confirmed with its tickets and e-mail. A payment that
 * completes after its hold was released takes the seats again if they are there; if not, or if the
 * order was cancelled meanwhile, it is refunded at once — never a ticket without a seat, never money
 * without a ticket.
 */
async function confirmPaidOrder(tx: Transaction, stripe: Stripe, session: Stripe.Checkout.Session, now: Date): Promise<string> {
  const order = await orderOfSession(tx, session)
  if (!order) return 'no change: an unknown order'
  const paymentIntentId = idOf(session.payment_intent)
  const confirm = async () => {
    await tx
      .update(orders)
      .set({ status: 'confirmed', confirmedAt: now, expiresAt: null, stripeCheckoutSessionId: session.id, stripePaymentIntentId: paymentIntentId })
      .where(eq(orders.id, order.id))
    await issueTicketsAndConfirmation(tx, order, await linesOfOrder(tx, order.id))
  }
  switch (order.status) {
    case 'pending':
      await confirm()
      return 'order confirmed'
    case 'expired': {
      const retaken = await tx
        .transaction(async (savepoint) => {
          await reserveSeats(savepoint, order.eventId, await linesOfOrder(savepoint, order.id))
          return true
        })
        .catch((error: unknown) => {
          if (error instanceof DomainError && error.code === 'CONFLICT') return false
          throw error
        })
      if (retaken) {
        await confirm()
        return 'paid after its hold ended: seats taken again, order confirmed'
      }
      await refundLatePayment(tx, stripe, order.id, paymentIntentId, session.id, now)
      return 'paid after its hold ended and sold out: refunded'
    }
    case 'cancelled':
      await refundLatePayment(tx, stripe, order.id, paymentIntentId, session.id, now)
      return 'paid after the order was cancelled: refunded'
    default:
      return `no change: the order is ${order.status}`
  }
}

async function refundLatePayment(tx: Transaction, stripe: Stripe, orderId: string, paymentIntentId: string | null, sessionId: string, now: Date) {
  if (!paymentIntentId) throw new Error(`checkout session ${sessionId} completed without a payment intent`)
  // Stripe first: if it fails, nothing is recorded and the webhook's retry tries again (same idempotency key).
  await refundPayment(stripe, orderId, paymentIntentId)
  await tx
    .update(orders)
    .set({ status: 'refunded', refundedAt: now, stripeCheckoutSessionId: sessionId, stripePaymentIntentId: paymentIntentId })
    .where(eq(orders.id, orderId))
}
