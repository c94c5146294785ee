import { DomainError } from '../errors'
import type { WizardDeps } from '../wizard/session-state'
import type { StripeConnect } from './stripe-client'

/** What the payment functions need: the wizard's database and clock, Stripe (null without keys), and where the app lives. */
export interface PaymentDeps extends WizardDeps {
  stripe: StripeConnect | null
  appUrl: string
}

export const NOT_CONFIGURED = 'Payments are not configured on this server, so paid tickets cannot be sold. Make every tier free to publish.'

/** Stripe, or a clear refusal when this server has no keys. */
export function requireStripe(deps: PaymentDeps): StripeConnect {
  if (!deps.stripe) throw new DomainError('PRECONDITION_FAILED', NOT_CONFIGURED)
  return deps.stripe
}
