import { and, eq, isNull, lt, or, sql } from 'drizzle-orm'
import type Stripe from 'stripe'
import { z } from 'zod'
import type { Database, Transaction } from '../../db/client'
import { asServiceRole } from '../../db/rls'
import { paymentAccounts, stripeEvents } from '../../db/schema'
import { applyOrderPaymentEvent } from '../orders/payment-events'
import { accountSnapshot } from './accounts'
import type { PaymentDeps } from './deps'
import { applyAccountToSessions } from './session-effects'
import type { StripeConnect } from './stripe-client'

/** What the webhook route answers Stripe: 2xx is done, anything else is delivered again later. */
export type WebhookAnswer = { status: 200; outcome: string } | { status: 400 | 404 | 413; outcome: string } | { status: 500; outcome: string; error: unknown }

/** Stripe's events are a few kilobytes; a larger body is refused while it streams in (413). */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024

/** How far a signature's timestamp may be from our clock, either way (Stripe's default tolerance). */
const TOLERANCE_SECONDS = 300

/** What storing and processing rely on; a signed body without it is refused, not half-stored. */
const EventEnvelope = z.object({
  id: z.string().min(1).max(255),
  type: z.string().min(1).max(255),
  created: z.int(),
  account: z.string().max(255).nullish(),
})

/**
 * A Stripe webhook delivery (a Connect endpoint: `event.account` is the connected account):
 * 1. the signature of the raw body is checked — bad, missing, stale or dated in the future, or an
 *    event without id, type or creation time: 400, nothing written;
 * 2. the event is stored in its own transaction (a repeat finds it stored);
 * 3. if not processed yet, it is processed with its row locked, the effect and `processed_at` in one
 *    transaction, so five deliveries at once still have one effect;
 * 4. a failure is rolled back, then recorded (`error`, `attempts`) in its own transaction, and the
 *    answer is 500 so that Stripe retries; the retry finds the event unprocessed.
 */
export async function receiveStripeWebhook(deps: PaymentDeps, payload: string, signature: string | null): Promise<WebhookAnswer> {
  if (!deps.stripe) return { status: 404, outcome: 'payments are not configured on this server' }
  const receivedAt = deps.now().getTime()
  const event = verifiedEvent(deps.stripe, payload, signature ?? '', receivedAt)
  if (!event) return { status: 400, outcome: 'the signature is missing, wrong or too old' }
  // Stripe's check bounds only the age: a signature dated tomorrow would stay replayable until then.
  if (signedAt(signature ?? '') > receivedAt / 1000 + TOLERANCE_SECONDS) {
    return { status: 400, outcome: 'the signature is dated in the future' }
  }
  if (!EventEnvelope.safeParse(event).success) return { status: 400, outcome: 'the event has no id, type or creation time' }
  await storeEvent(deps.db, event, payload)
  try {
    return { status: 200, outcome: await processEvent(deps, event.id) }
  } catch (error) {
    await recordFailure(deps.db, event.id, error).catch(() => {})
    return { status: 500, outcome: 'processing failed; Stripe will deliver it again', error }
  }
}

/** The event, if its signature matches one of the endpoints' secrets. */
function verifiedEvent(stripe: StripeConnect, payload: string, signature: string, receivedAt: number): Stripe.Event | null {
  for (const secret of stripe.webhookSecrets) {
    try {
      return stripe.client.webhooks.constructEvent(payload, signature, secret, TOLERANCE_SECONDS, undefined, receivedAt)
    } catch {
      // Signed for another endpoint, or not by Stripe: the next secret may match.
    }
  }
  return null
}

/** The `t=` of a verified `Stripe-Signature` header (the one the signature covers). */
function signedAt(header: string): number {
  const timestamp = header.split(',').find((part) => part.startsWith('t='))
  return Number(timestamp?.slice(2))
}

async function storeEvent(db: Database, event: Stripe.Event, payload: string) {
  await asServiceRole(db, (tx) =>
    tx
      .insert(stripeEvents)
      // The body exactly as signed, not the client's reading of it.
      .values({ id: event.id, type: event.type, account: event.account ?? null, payload: JSON.parse(payload) as unknown })
      .onConflictDoNothing({ target: stripeEvents.id }),
  )
}

async function processEvent(deps: PaymentDeps, eventId: string): Promise<string> {
  return asServiceRole(deps.db, async (tx) => {
    const [row] = await tx.select().from(stripeEvents).where(eq(stripeEvents.id, eventId)).for('update')
    if (!row) throw new Error(`stripe event ${eventId} is not stored`)
    if (row.processedAt) return 'already processed'
    const now = deps.now()
    const outcome = await applyEvent(tx, deps.stripe!.client, row.payload as Stripe.Event, now)
    await tx
      .update(stripeEvents)
      .set({ processedAt: now, attempts: row.attempts + 1 })
      .where(eq(stripeEvents.id, eventId))
    return outcome
  })
}

/** The effect of one event; types the app does not act on are only stored. */
async function applyEvent(tx: Transaction, stripe: Stripe, event: Stripe.Event, now: Date): Promise<string> {
  switch (event.type) {
    case 'account.updated': {
      const account = event.data.object
      const created = new Date(event.created * 1000)
      // Events arrive out of order: only one newer than the last applied may change the account.
      const [updated] = await tx
        .update(paymentAccounts)
        .set({ ...accountSnapshot(account), lastEventCreated: created })
        .where(
          and(eq(paymentAccounts.stripeAccountId, account.id), or(isNull(paymentAccounts.lastEventCreated), lt(paymentAccounts.lastEventCreated, created))),
        )
        .returning()
      if (!updated) return 'no change: an unknown account, or an older event than the last applied'
      const sessions = await applyAccountToSessions(tx, updated, now, { action: 'paymentAccountUpdated', eventId: event.id })
      return `account updated; ${sessions} session(s) changed`
    }
    case 'account.application.deauthorized': {
      if (!event.account) return 'no change: no connected account named'
      const [disconnected] = await tx
        .update(paymentAccounts)
        .set({ disconnectedAt: now })
        .where(and(eq(paymentAccounts.stripeAccountId, event.account), isNull(paymentAccounts.disconnectedAt)))
        .returning()
      if (!disconnected) return 'no change: an unknown or already disconnected account'
      const sessions = await applyAccountToSessions(tx, disconnected, now, { action: 'paymentAccountDisconnected', eventId: event.id })
      return `account disconnected; ${sessions} session(s) changed`
    }
    default:
      return (await applyOrderPaymentEvent(tx, stripe, event, now)) ?? 'stored; nothing to do for this type'
  }
}

/** The innermost cause's message: Drizzle wraps the database's own words in "Failed query: …" with its parameters. */
function rootMessage(error: unknown): string {
  let current = error
  while (current instanceof Error && current.cause instanceof Error) current = current.cause
  return current instanceof Error ? current.message : String(current)
}

async function recordFailure(db: Database, eventId: string, error: unknown) {
  const message = rootMessage(error)
  await asServiceRole(db, (tx) =>
    tx
      .update(stripeEvents)
      .set({ attempts: sql`${stripeEvents.attempts} + 1`, error: message.slice(0, 1000) })
      .where(and(eq(stripeEvents.id, eventId), isNull(stripeEvents.processedAt))),
  )
}
