import type { StageFieldsProps } from '../stage-fields'

const explanations = {
  not_required: 'All your tickets are free, so there is nothing to set up. Continue when you are ready.',
  not_connected:
    'Paid tickets need a Stripe payout account with charges enabled. Setting one up takes a few minutes on Stripe (your business details and a bank account), which then sends you back here.',
  pending: 'Stripe is still checking your payout account. Paid tickets can go on sale once it is verified.',
  verified: 'Your payout account is verified: paid tickets can go on sale.',
  not_configured: 'Payments are not configured on this server: only free tickets can be published here. Go back to the tickets and set every price to 0.',
} as const

/** Stripe's names for what it still needs (`requirements.currently_due`), in the organizer's words. */
const requirementLabels: Record<string, string> = {
  business_type: 'the kind of business',
  external_account: 'a bank account for payouts',
  'business_profile.url': 'a website for the business',
  'business_profile.mcc': 'what the business sells',
  'tos_acceptance.date': "acceptance of Stripe's terms",
  'tos_acceptance.ip': "acceptance of Stripe's terms",
}

const requirementLabel = (code: string) =>
  requirementLabels[code] ??
  code
    .split('.')
    .map((part) => part.replaceAll('_', ' '))
    .join(' › ')

function requirementsOf(paymentSetup: unknown): string[] {
  const requirements = (paymentSetup as { requirements?: unknown } | undefined)?.requirements
  if (!Array.isArray(requirements)) return []
  return [...new Set(requirements.filter((item): item is string => typeof item === 'string').map(requirementLabel))]
}

/** Tells where payouts stand, and offers Stripe's onboarding (a plain form post) when they are not set up. */
export function PaymentPanel({ state, paymentsConfigured = false }: StageFieldsProps) {
  const status = state.paymentStatus
  const paid = status !== 'not_required'
  const shown = paid && !paymentsConfigured ? 'not_configured' : status
  const requirements = status === 'pending' ? requirementsOf(state.data.paymentSetup) : []
  return (
    <div className="stack">
      <p className={`notice notice--${shown}`} data-payment-status={status}>
        {explanations[shown]}
      </p>
      {requirements.length > 0 ? (
        <section aria-labelledby="requirements-title">
          <h2 id="requirements-title">Stripe still needs</h2>
          <ul data-requirements>
            {requirements.map((requirement) => (
              <li key={requirement}>{requirement}</li>
            ))}
          </ul>
        </section>
      ) : null}
      {paymentsConfigured && (status === 'not_connected' || status === 'pending') ? (
        <div className="actions">
          <button type="submit" name="intent" value="payouts" className="button button--primary" formNoValidate>
            Set up payouts with Stripe
          </button>
        </div>
      ) : null}
    </div>
  )
}
