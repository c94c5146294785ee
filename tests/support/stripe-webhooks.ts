import { randomBytes } from 'node:crypto'
import Stripe from 'stripe'
import type { FakeAccount } from './fake-stripe'

/** Test keys: shaped like Stripe's, valid nowhere. */
export const STRIPE_TEST_KEY = 'sk_test_event_wizard_fake'
export const WEBHOOK_SECRET = 'whsec_event_wizard_test_secret'

/** The environment that turns payments on, against a local fake of Stripe's API. */
export const stripeEnv = (fake: { url: string }) => ({
  STRIPE_SECRET_KEY: STRIPE_TEST_KEY,
  STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  STRIPE_API_BASE: fake.url,
})

// Only its webhook helpers are used; it never sends a request.
const { webhooks } = new Stripe(STRIPE_TEST_KEY)

/** An event as Stripe delivers it to a Connect endpoint (`account` names the connected account). */
export function stripeEvent(type: string, object: unknown, options: { account?: string; created?: number; id?: string } = {}) {
  return {
    id: options.id ?? `evt_${randomBytes(8).toString('hex')}`,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: options.created ?? Math.floor(Date.now() / 1000),
    type,
    account: options.account,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object },
  }
}

export const accountUpdated = (account: FakeAccount, created?: number) => stripeEvent('account.updated', account, { account: account.id, created })

export const accountDeauthorized = (accountId: string, created?: number) =>
  stripeEvent('account.application.deauthorized', { id: 'ca_event_wizard', object: 'application', name: 'Event Wizard' }, { account: accountId, created })

/** The body and its `Stripe-Signature` header, signed as Stripe signs (at `timestamp`, seconds). */
export function signed(event: unknown, options: { secret?: string; timestamp?: number } = {}) {
  const body = JSON.stringify(event)
  const signature = webhooks.generateTestHeaderString({
    payload: body,
    secret: options.secret ?? WEBHOOK_SECRET,
    timestamp: options.timestamp ?? Math.floor(Date.now() / 1000),
  })
  return { body, signature }
}

/** Delivers a webhook as Stripe does: a POST with no cookie and no Origin. */
export function deliver(server: { url: string }, delivery: { body: string; signature?: string | null }) {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' }
  if (delivery.signature) headers['stripe-signature'] = delivery.signature
  return fetch(`${server.url}/api/webhooks/stripe`, { method: 'POST', headers, body: delivery.body })
}
