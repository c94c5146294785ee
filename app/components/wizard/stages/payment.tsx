import type { StageFieldsProps } from '../stage-fields'

const explanations = {
  not_required: 'All your tickets are free, so there is nothing to set up. Continue when you are ready.',
  not_connected:
    'Paid tickets need a Stripe payout account with charges enabled. Payments are not configured on this server yet, so an event with paid tickets cannot be published; make every tier free to continue.',
  pending: 'Stripe is still checking your account. Come back when it is verified.',
  verified: 'Your payout account is verified: paid tickets can go on sale.',
} as const

export function PaymentPanel({ state }: StageFieldsProps) {
  return (
    <div className="stack">
      <p className={`notice notice--${state.paymentStatus}`} data-payment-status={state.paymentStatus}>
        {explanations[state.paymentStatus]}
      </p>
    </div>
  )
}
