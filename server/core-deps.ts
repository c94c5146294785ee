import type { AppContext } from './app-context'
import type { OrderDeps } from './orders/deps'
import type { OrgDeps } from './orgs/deps'
import type { PaymentDeps } from './payments/deps'

/**
 * What the domain core may need from the app, in one shape: the database, the clock, Stripe, the
 * app's address and the secrets keys and tokens are derived with. Every tRPC call (public ones too)
 * carries it as `ctx.deps`; each core module asks only for its part (`WizardDeps`, `OrderDeps`,
 * `PaymentDeps`, `OrgDeps` are parts of it), so any door passes the same object.
 */
export interface CoreDeps extends OrderDeps, PaymentDeps, OrgDeps {}

export const coreDepsOf = (app: AppContext): CoreDeps => ({
  db: app.database.db,
  now: app.now,
  accessSecret: app.orders.accessSecret,
  invitationSecret: app.orgs.invitationSecret,
  stripe: app.stripe,
  appUrl: app.config.APP_URL,
  payments: app.stripe ? { stripe: app.stripe.client, appUrl: app.config.APP_URL, platformFeeBps: app.config.PLATFORM_FEE_BPS } : null,
})
