import Stripe from 'stripe'
import type { Config } from '../config'

/** Stripe as this server uses it: the API client and the secrets webhook deliveries are signed with. */
export interface StripeConnect {
  client: Stripe
  /** One per endpoint: Connect's (account events) and the platform's (Checkout, refunds). */
  webhookSecrets: string[]
}

/** Null without STRIPE_SECRET_KEY: only free events can be published then. */
export function createStripeConnect(config: Pick<Config, 'STRIPE_SECRET_KEY' | 'STRIPE_WEBHOOK_SECRET' | 'STRIPE_API_BASE'>): StripeConnect | null {
  if (!config.STRIPE_SECRET_KEY || !config.STRIPE_WEBHOOK_SECRET) return null
  return {
    client: new Stripe(config.STRIPE_SECRET_KEY, {
      ...apiBase(config.STRIPE_API_BASE),
      // Retried POSTs carry the same idempotency key, so a retry never creates a second account.
      maxNetworkRetries: 2,
      timeout: 20_000,
      appInfo: { name: 'event-wizard' },
    }),
    webhookSecrets: config.STRIPE_WEBHOOK_SECRET.split(',').map((secret) => secret.trim()),
  }
}

/** STRIPE_API_BASE as the client's `host`/`port`/`protocol`; unset, it talks to api.stripe.com. */
function apiBase(base: string | undefined): Pick<Stripe.StripeConfig, 'host' | 'port' | 'protocol'> {
  if (!base) return {}
  const url = new URL(base)
  const protocol = url.protocol === 'https:' ? 'https' : 'http'
  return { host: url.hostname, port: url.port || (protocol === 'https' ? 443 : 80), protocol }
}
