import { eq, sql } from 'drizzle-orm'
import { z } from 'zod'
import { queryRows, type Transaction } from '../../db/client'
import { asServiceRole, withRls } from '../../db/rls'
import { type OrderStatus, orders } from '../../db/schema'

type Order = typeof orders.$inferSelect

import type { AuthenticatedClaims } from '../auth/identity'
import { DomainError, notFound } from '../errors'
import { NOT_CONFIGURED } from '../payments/deps'
import type { OrderDeps } from './deps'
import { paymentServiceError } from './payment-service-errors'
import { refundPayment } from './refund-payment'
import { releaseOrder } from './release'

export const RefundOrderInputSchema = z.object({ orderId: z.uuid({ message: 'Give the id of an order.' }) })
export type RefundOrderInput = z.infer<typeof RefundOrderInputSchema>

export interface RefundedOrder {
  orderId: string
  status: OrderStatus
  /** Minor units given back through Stripe by this call (0 for a free or already ended order). */
  refunded: number
  /** False when the order had already ended: asking again changes nothing. */
  changed: boolean
}

/**
 * The organizer gives an order up: a paid order is refunded through Stripe, a free one or a pending
 * one cancelled; either way its tickets are void and its seats released. Who may: the event's publisher
 * and its organization's owners and admins (members read orders, never refund), asked through RLS as
 * the caller. The change itself runs as the service role with the order row locked, so two refunds at
 * once refund once; Stripe is called while the lock is held and before anything is recorded.
 */
export async function refundOrder(deps: OrderDeps, claims: AuthenticatedClaims, input: RefundOrderInput): Promise<RefundedOrder> {
  const [access] = await withRls(deps.db, claims, (tx) =>
    queryRows<{ may_refund: boolean }>(
      tx,
      sql`select event_wizard.is_publisher_or_member(o.event_id, array['owner', 'admin']::text[]) as may_refund
          from event_wizard.orders o where o.id = ${input.orderId}`,
    ),
  )
  if (!access) throw notFound('This order')
  if (!access.may_refund) throw new DomainError('FORBIDDEN', "Only the event's publisher and its organization's owners and admins can refund orders.")

  const ended = await giveOrderBack(deps, input.orderId)
  if (!ended) throw notFound('This order')
  const { refunded, checkoutSession } = ended
  // The buyer's Checkout page closes too. Should this fail, a payment made there anyway is refunded
  // when its webhook arrives (the order is cancelled).
  if (checkoutSession) await expireCheckout(deps, checkoutSession)
  return refunded
}

/**
 * Ends an order as its organizer gives it up (a refund, or the whole event cancelled), as the service
 * role with the order row locked, so two at once end it once; Stripe is called while the lock is held
 * and before anything is recorded, and its idempotency key refunds a retry nothing twice. `whenDone`
 * runs in the same transaction once the order has ended (the cancellation queues its e-mail there).
 * Undefined when there is no such order or, with `skipLocked`, another transaction holds it (its
 * webhook): left for later.
 */
export async function giveOrderBack(
  deps: OrderDeps,
  orderId: string,
  options: { skipLocked?: boolean; whenDone?: (tx: Transaction, ended: { order: Order; status: 'cancelled' | 'refunded' }) => Promise<void> } = {},
) {
  return asServiceRole(deps.db, async (tx) => {
    const [order] = await tx
      .select()
      .from(orders)
      .where(eq(orders.id, orderId))
      .for('update', options.skipLocked ? { skipLocked: true } : {})
    if (!order) return undefined
    const now = deps.now()
    const ended = async (status: OrderStatus, amount = 0) => {
      if (status !== order.status && (status === 'cancelled' || status === 'refunded')) await options.whenDone?.(tx, { order, status })
      return {
        refunded: { orderId: order.id, status, refunded: amount, changed: status !== order.status } satisfies RefundedOrder,
        checkoutSession: status === 'cancelled' && order.status === 'pending' ? order.stripeCheckoutSessionId : null,
      }
    }
    if (order.status === 'pending') {
      await releaseOrder(tx, order.id, { from: 'pending', to: 'cancelled' }, now)
      return ended('cancelled')
    }
    if (order.status !== 'confirmed') return ended(order.status)
    if (order.total === 0) {
      await releaseOrder(tx, order.id, { from: 'confirmed', to: 'cancelled' }, now)
      return ended('cancelled')
    }
    if (!deps.payments) throw new DomainError('PRECONDITION_FAILED', NOT_CONFIGURED)
    if (!order.stripePaymentIntentId) throw new Error(`paid order ${order.id} has no payment intent`)
    await refundPayment(deps.payments.stripe, order.id, order.stripePaymentIntentId).catch((error: unknown) => {
      throw paymentServiceError(error, 'Nothing was refunded')
    })
    await releaseOrder(tx, order.id, { from: 'confirmed', to: 'refunded' }, now)
    return ended('refunded', order.total)
  })
}

/** Closes a cancelled order's Checkout page; a failure is harmless (a late payment is refunded on arrival). */
export async function expireCheckout(deps: OrderDeps, checkoutSessionId: string): Promise<void> {
  if (deps.payments) await deps.payments.stripe.checkout.sessions.expire(checkoutSessionId).catch(() => {})
}
