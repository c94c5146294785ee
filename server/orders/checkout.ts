import { and, eq } from 'drizzle-orm'
import type Stripe from 'stripe'
import { asServiceRole } from '../../db/rls'
import { orders } from '../../db/schema'
import type { OrderDeps, OrderPayments } from './deps'
import { paymentServiceError } from './payment-service-errors'
import { releaseOrder } from './release'

/**
 * How long a paid order holds its seats. Stripe refuses a Checkout Session that expires sooner than 30
 * minutes after its creation; the hold outlasts the session by a minute, so the session's end (and its
 * `checkout.session.expired`) comes before the hold's.
 */
export const HOLD_MS = 31 * 60_000
const CHECKOUT_LIFETIME_MS = 30 * 60_000

/** A pending order as Checkout is asked to charge it. */
export interface OrderToPay {
  id: string
  eventId: string
  eventTitle: string
  currency: string
  applicationFee: number
  buyerEmail: string
  /** The organizer's connected account: the charge's destination. */
  destination: string
  accessKey: string
  lines: { tierName: string; unitPrice: number; quantity: number }[]
}

/** The platform's share of a total, rounded down (never more than the rate). */
export const applicationFeeOf = (total: number, basisPoints: number) => Math.floor((total * basisPoints) / 10_000)

/**
 * Opens Stripe Checkout for a pending order, after the transaction that holds its seats has committed:
 * a destination charge to the organizer's account, the platform's fee kept, keyed by the order so a
 * retried request creates nothing new. If Stripe refuses or cannot be reached, the order is cancelled and
 * its seats released at once, and the buyer is told nothing was charged.
 */
export async function startCheckout(deps: OrderDeps, payments: OrderPayments, order: OrderToPay): Promise<string> {
  const orderPage = `${payments.appUrl}/orders/${order.id}?key=${encodeURIComponent(order.accessKey)}`
  let session: Stripe.Checkout.Session
  try {
    session = await payments.stripe.checkout.sessions.create(
      {
        mode: 'payment',
        line_items: order.lines.map((line) => ({
          quantity: line.quantity,
          price_data: { currency: order.currency.toLowerCase(), unit_amount: line.unitPrice, product_data: { name: `${order.eventTitle} — ${line.tierName}` } },
        })),
        payment_intent_data: {
          application_fee_amount: order.applicationFee,
          transfer_data: { destination: order.destination },
          metadata: { order_id: order.id },
        },
        customer_email: order.buyerEmail,
        client_reference_id: order.id,
        metadata: { order_id: order.id, event_id: order.eventId },
        expires_at: Math.floor((deps.now().getTime() + CHECKOUT_LIFETIME_MS) / 1000),
        success_url: orderPage,
        cancel_url: orderPage,
      },
      { idempotencyKey: `order:${order.id}` },
    )
  } catch (error) {
    await asServiceRole(deps.db, (tx) => releaseOrder(tx, order.id, { from: 'pending', to: 'cancelled' }, deps.now()))
    throw paymentServiceError(error, 'Nothing was charged and your seats were released')
  }
  await asServiceRole(deps.db, (tx) =>
    tx
      .update(orders)
      .set({ stripeCheckoutSessionId: session.id })
      .where(and(eq(orders.id, order.id), eq(orders.status, 'pending'))),
  )
  if (!session.url) throw new Error(`checkout session ${session.id} has no url`)
  return session.url
}

/** Where a pending order is paid: its Checkout Session's page while the session is open, else null. */
export async function checkoutUrlOf(payments: OrderPayments, sessionId: string | null): Promise<string | null> {
  if (!sessionId) return null
  const session = await payments.stripe.checkout.sessions.retrieve(sessionId)
  return session.status === 'open' ? session.url : null
}
