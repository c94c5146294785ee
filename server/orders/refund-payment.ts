import Stripe from 'stripe'

/**
 * Refunds an order's payment in full: the transfer to the organizer reversed and the platform's fee
 * returned, as the charge was a destination charge. Keyed by the order, so a retry refunds nothing
 * twice; a payment Stripe says is refunded already (a refund made before a crash could record it, past
 * the key's 24 hours) counts as refunded.
 */
export async function refundPayment(stripe: Stripe, orderId: string, paymentIntentId: string): Promise<void> {
  try {
    await stripe.refunds.create(
      { payment_intent: paymentIntentId, reverse_transfer: true, refund_application_fee: true, metadata: { order_id: orderId } },
      { idempotencyKey: `refund:${orderId}` },
    )
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError && error.code === 'charge_already_refunded') return
    throw error
  }
}
