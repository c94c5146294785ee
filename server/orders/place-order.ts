import { randomUUID } from 'node:crypto'
import { and, eq, inArray, isNull } from 'drizzle-orm'
import type { Transaction } from '../../db/client'
import { pgConstraint, pgErrorCode, pgErrorCodes } from '../../db/errors'
import { asServiceRole } from '../../db/rls'
import { events, eventTicketTiers, type OrderStatus, orderItems, orders, paymentAccounts } from '../../db/schema'
import { DomainError, notFound } from '../errors'
import { accessKeyOf, hashAccessKey } from './access-keys'
import { reserveSeats } from './capacity'
import { applicationFeeOf, checkoutUrlOf, HOLD_MS, type OrderToPay, startCheckout } from './checkout'
import { issueTicketsAndConfirmation } from './confirm-order'
import type { OrderDeps } from './deps'
import { checkOrder, type PaymentReadiness } from './rules'
import type { PlaceOrderInput } from './schemas'

export interface PlaceOrderOptions {
  /** The signed-in buyer, whose account will list the order. */
  buyerUserId?: string
  /** The client's Idempotency-Key (or the form's nonce): the same key for the same event gives the same order. */
  idempotencyKey?: string
}

export interface PlacedOrder {
  orderId: string
  status: OrderStatus
  /** Opens the order page (`/orders/:id?key=…`); given again to a retry with the same Idempotency-Key. */
  accessKey: string
  /** Where a paid order is paid; null for free orders. */
  checkoutUrl: string | null
}

/**
 * Places an order: every rule checked against the rows as they are, the seats taken by conditional
 * updates, and a free order confirmed with its tickets and e-mail, all in one transaction; a paid one
 * holds its seats and, once that has committed, gets its Checkout page. Runs as the service role
 * because buyers may be anonymous; this function is what checks them.
 */
export async function placeOrder(deps: OrderDeps, input: PlaceOrderInput, options: PlaceOrderOptions = {}): Promise<PlacedOrder> {
  const { idempotencyKey } = options
  if (idempotencyKey) {
    const earlier = await findRetried(deps, input, idempotencyKey)
    if (earlier) return earlier
  }
  let placed: PlacedInTransaction
  try {
    placed = await asServiceRole(deps.db, (tx) => placeInTransaction(tx, deps, input, options))
  } catch (error) {
    // Two requests with one key at once: the second finds the first's order.
    const sameKey = pgErrorCode(error) === pgErrorCodes.uniqueViolation && pgConstraint(error) === 'orders_event_idempotency_key_key'
    if (sameKey && idempotencyKey) {
      const earlier = await findRetried(deps, input, idempotencyKey)
      if (earlier) return earlier
    }
    throw error
  }
  const { toPay, ...order } = placed
  if (!toPay) return { ...order, checkoutUrl: null }
  return { ...order, checkoutUrl: await startCheckout(deps, deps.payments!, toPay) }
}

type PlacedInTransaction = Omit<PlacedOrder, 'checkoutUrl'> & { toPay: OrderToPay | null }

async function placeInTransaction(tx: Transaction, deps: OrderDeps, input: PlaceOrderInput, options: PlaceOrderOptions): Promise<PlacedInTransaction> {
  const now = deps.now()
  const [event] = await tx
    .select({
      id: events.id,
      title: events.title,
      status: events.status,
      startsAt: events.startsAt,
      endsAt: events.endsAt,
      capacity: events.capacity,
      reserved: events.reserved,
      paymentEnabled: events.paymentEnabled,
      stripeAccountId: events.stripeAccountId,
      chargesEnabled: paymentAccounts.chargesEnabled,
    })
    .from(events)
    .leftJoin(paymentAccounts, and(eq(paymentAccounts.stripeAccountId, events.stripeAccountId), isNull(paymentAccounts.disconnectedAt)))
    .where(eq(events.id, input.eventId))
  if (!event) throw notFound('This event')
  const tiers = await tx
    .select()
    .from(eventTicketTiers)
    .where(
      and(
        eq(eventTicketTiers.eventId, event.id),
        inArray(
          eventTicketTiers.id,
          input.items.map((item) => item.tierId),
        ),
      ),
    )
  const lines = checkOrder({ ...event, payments: paymentReadiness(deps, event) }, tiers, input.items, now)
  await reserveSeats(tx, event.id, lines)

  const orderId = randomUUID()
  const accessKey = accessKeyOf(deps.accessSecret, orderId)
  const buyer = { buyerName: input.buyer.name, buyerEmail: input.buyer.email }
  const total = lines.reduce((sum, line) => sum + line.tier.price * line.quantity, 0)
  const currency = lines[0]!.tier.currency
  const paid = total > 0
  const applicationFee = paid ? applicationFeeOf(total, deps.payments!.platformFeeBps) : 0
  await tx.insert(orders).values({
    id: orderId,
    eventId: event.id,
    userId: options.buyerUserId ?? null,
    ...buyer,
    // Free: confirmed at once. Paid: the seats are held until Checkout confirms the payment or the hold ends.
    ...(paid ? { status: 'pending', expiresAt: new Date(now.getTime() + HOLD_MS) } : { status: 'confirmed', confirmedAt: now }),
    total,
    currency,
    applicationFee,
    accessKeyHash: hashAccessKey(accessKey),
    idempotencyKey: options.idempotencyKey ?? null,
  })
  await tx.insert(orderItems).values(lines.map((line) => ({ orderId, tierId: line.tier.id, quantity: line.quantity, unitPrice: line.tier.price })))
  if (!paid) {
    await issueTicketsAndConfirmation(tx, { id: orderId, eventId: event.id, ...buyer }, lines)
    return { orderId, status: 'confirmed', accessKey, toPay: null }
  }
  const toPay: OrderToPay = {
    id: orderId,
    eventId: event.id,
    eventTitle: event.title,
    currency,
    applicationFee,
    buyerEmail: buyer.buyerEmail,
    destination: event.stripeAccountId!,
    accessKey,
    lines: lines.map((line) => ({ tierName: line.tier.name, unitPrice: line.tier.price, quantity: line.quantity })),
  }
  return { orderId, status: 'pending', accessKey, toPay }
}

function paymentReadiness(
  deps: OrderDeps,
  event: { paymentEnabled: boolean; stripeAccountId: string | null; chargesEnabled: boolean | null },
): PaymentReadiness {
  if (!event.paymentEnabled) return 'off'
  if (!deps.payments) return 'not_configured'
  return event.stripeAccountId && event.chargesEnabled ? 'ready' : 'account_not_ready'
}

/**
 * The order an earlier request with this key placed, if any. The key is the client's secret for this
 * one purchase; a different buyer behind the same key is refused rather than shown someone's order.
 * A pending order gets its Checkout page again while that is open.
 */
async function findRetried(deps: OrderDeps, input: PlaceOrderInput, idempotencyKey: string): Promise<PlacedOrder | null> {
  const [earlier] = await asServiceRole(deps.db, (tx) =>
    tx
      .select({ id: orders.id, status: orders.status, buyerEmail: orders.buyerEmail, sessionId: orders.stripeCheckoutSessionId })
      .from(orders)
      .where(and(eq(orders.eventId, input.eventId), eq(orders.idempotencyKey, idempotencyKey))),
  )
  if (!earlier) return null
  if (earlier.buyerEmail.toLowerCase() !== input.buyer.email.toLowerCase()) {
    throw new DomainError('CONFLICT', 'This Idempotency-Key was already used for another order.')
  }
  const checkoutUrl = earlier.status === 'pending' && deps.payments ? await checkoutUrlOf(deps.payments, earlier.sessionId) : null
  return { orderId: earlier.id, status: earlier.status, accessKey: accessKeyOf(deps.accessSecret, earlier.id), checkoutUrl }
}
