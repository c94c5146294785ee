import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import { queryRows } from '../../db/client'
import { asServiceRole, withRls } from '../../db/rls'
import { events, myEventsView, orders } from '../../db/schema'
import { notFound } from '../errors'
import type { Logger } from '../logger'
import { queueEmail } from '../mail/outbox'
import { type Actor, audited } from '../wizard/audit'
import { assertMayChangeEvent } from '../wizard/event-access'
import type { OrderDeps } from './deps'
import { expireCheckout, giveOrderBack } from './refund-order'
import { type CancelEventInput, CancelEventInputSchema } from './schemas'

/** Orders wound down within the organizer's request; a bigger event is finished by the sweeper. */
export const WIND_DOWN_IN_REQUEST = 50

export interface WindDown {
  /** Orders this run ended (cancelled or refunded). */
  ended: number
  /** Orders still holding seats: locked by a webhook, failed at Stripe, or beyond this run's limit. */
  left: number
}

export interface CancelledEvent extends WindDown {
  eventId: string
  status: 'cancelled'
  cancelledAt: Date
  /** False when the event had already been cancelled: asking again changes nothing but finishes the job. */
  changed: boolean
}

/**
 * The organizer calls the event off: it is marked cancelled at once (its public page says so and it
 * takes no more orders), then its orders are wound down — pending ones cancelled and their Checkout
 * closed, free ones cancelled, paid ones refunded through Stripe, every attendee e-mailed. Who may: the
 * publisher and the organization's owners and admins. Asking again, or the sweeper after a crash,
 * finishes what is left; nothing is refunded twice (each order ends once, under its row lock, and
 * Stripe's idempotency key covers a crash between the refund and its record).
 */
export async function cancelEvent(deps: OrderDeps, actor: Actor, input: CancelEventInput): Promise<CancelledEvent> {
  const { eventId, message } = CancelEventInputSchema.parse(input)
  await withRls(deps.db, actor.claims, (tx) =>
    assertMayChangeEvent(tx, eventId, "Only the event's publisher and its organization's owners and admins can cancel it."),
  )
  const now = deps.now()
  const current = () =>
    withRls(deps.db, actor.claims, async (tx) => {
      const [event] = await tx.select({ cancelledAt: events.cancelledAt }).from(events).where(eq(events.id, eventId))
      if (!event?.cancelledAt) throw notFound('This event')
      return { cancelledAt: event.cancelledAt, changed: false }
    })
  const marked = await audited(
    deps.db,
    actor,
    { action: 'cancel', payload: { eventId, message } },
    async (tx, entry) => {
      const [cancelled] = await tx
        .update(events)
        .set({ status: 'cancelled', cancelledAt: now, cancellationMessage: message === '' ? null : message })
        .where(and(eq(events.id, eventId), inArray(events.status, ['published', 'unpublished'])))
        .returning({ cancelledAt: events.cancelledAt })
      const [owners] = await tx
        .select({ sessionId: myEventsView.sessionId, organizationId: myEventsView.organizationId, cancelledAt: myEventsView.cancelledAt })
        .from(myEventsView)
        .where(eq(myEventsView.id, eventId))
      if (!owners) throw notFound('This event')
      entry.sessionId = owners.sessionId
      entry.organizationId = owners.organizationId
      return { cancelledAt: (cancelled?.cancelledAt ?? owners.cancelledAt)!, changed: cancelled !== undefined }
    },
    current,
  )
  const windDown = await windDownCancelledEvent(deps, eventId, WIND_DOWN_IN_REQUEST)
  return { eventId, status: 'cancelled', ...marked, ...windDown }
}

/**
 * Ends up to `limit` orders of a cancelled event that still hold seats, oldest first, each in its own
 * transaction (a Stripe call per paid order must not hold the others). An order another transaction
 * holds is skipped, and one Stripe refuses stays as it is: both are left for the next run. Confirmed
 * orders' buyers are e-mailed in the transaction that ends the order.
 */
export async function windDownCancelledEvent(deps: OrderDeps, eventId: string, limit: number, logger?: Logger): Promise<WindDown> {
  const live = () =>
    asServiceRole(deps.db, (tx) =>
      tx
        .select({ id: orders.id })
        .from(orders)
        .innerJoin(events, eq(events.id, orders.eventId))
        .where(and(eq(orders.eventId, eventId), eq(events.status, 'cancelled'), inArray(orders.status, ['pending', 'confirmed'])))
        .orderBy(asc(orders.createdAt))
        .limit(limit),
    )
  let ended = 0
  for (const order of await live()) {
    try {
      const result = await giveOrderBack(deps, order.id, {
        skipLocked: true,
        // Attendees are told; a buyer still at Checkout had no tickets, and their page says cancelled.
        whenDone: async (tx, { order: ending }) => {
          if (ending.status === 'confirmed') {
            await queueEmail(tx, { recipient: ending.buyerEmail, template: 'event-cancellation', payload: { orderId: ending.id } })
          }
        },
      })
      if (result?.refunded.changed) ended += 1
      if (result?.checkoutSession) await expireCheckout(deps, result.checkoutSession)
    } catch (error) {
      logger?.warn({ err: error, orderId: order.id, eventId }, 'an order of a cancelled event could not be ended yet')
    }
  }
  const [left] = await asServiceRole(deps.db, (tx) =>
    queryRows<{ count: number }>(
      tx,
      sql`select count(*)::int as count from event_wizard.orders where event_id = ${eventId} and status in ('pending', 'confirmed')`,
    ),
  )
  return { ended, left: left?.count ?? 0 }
}

/** Cancelled events per sweep; each is wound down in batches of this many orders too. */
const SWEEP_BATCH = 20

/**
 * Finishes cancellations: every cancelled event whose orders still hold seats (a crash midway, a
 * refund Stripe refused, an order placed as the event was being cancelled). Several instances may
 * sweep at once: each order ends once under its row lock.
 */
export async function sweepCancelledEvents(deps: OrderDeps, logger?: Logger): Promise<number> {
  const due = await asServiceRole(deps.db, (tx) =>
    queryRows<{ id: string }>(
      tx,
      sql`select e.id from event_wizard.events e
          where e.status = 'cancelled'
            and exists (select 1 from event_wizard.orders o where o.event_id = e.id and o.status in ('pending', 'confirmed'))
          order by e.cancelled_at limit ${SWEEP_BATCH}`,
    ),
  )
  let ended = 0
  for (const event of due) ended += (await windDownCancelledEvent(deps, event.id, SWEEP_BATCH * 10, logger)).ended
  return ended
}
