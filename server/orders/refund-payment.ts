import type Stripe from 'stripe'

/**
 * Refunds an order's payment in full: the transfer to the organizer reversed and the platform's fee
 * returned, as the charge was a destination charge. Keyed by the order, so a retry refunds nothing twice.
 */
export function refundPayment(stripe: Stripe, orderId: string, paymentIntentId: string) {
  return stripe.refunds.create(
    { payment_intent: paymentIntentId, reverse_transfer: true, refund_application_fee: true, metadata: { order_id: orderId } },
    { idempotencyKey: `refund:${orderId}` },
  )
}
