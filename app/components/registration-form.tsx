import { getFormProps, type SubmissionResult, useForm } from '@conform-to/react'
import { Form, useNavigation } from '@remix-run/react'
import { useState } from 'react'
import { TierSummary } from './event-page'
import { ErrorList, Field } from './forms'

/** A tier as the buyer chooses from it; prepared by the page's loader. */
export interface RegistrationTier {
  id: string
  name: string
  description: string | null
  price: string
  free: boolean
  notes: string[]
  /** What the buyer can do now, in words when they cannot buy. */
  state: { kind: 'on_sale'; left: string; choices: number[] } | { kind: 'unavailable'; label: string }
}

/**
 * The tickets of the public page as a plain form POST: a quantity picker per tier on sale (within its
 * min and max and what is left), the buyer's name and e-mail, one button. Works without JavaScript.
 */
export function RegistrationForm({
  tiers,
  nonce,
  email,
  lastResult,
}: {
  tiers: RegistrationTier[]
  nonce: string
  email: string | null
  lastResult: SubmissionResult<string[]> | undefined
}) {
  const busy = useNavigation().state === 'submitting'
  const [form, fields] = useForm<{ buyer: { name: string; email: string } }>({
    id: 'registration',
    lastResult,
    defaultValue: { buyer: { name: '', email: email ?? '' } },
  })
  const buyer = fields.buyer.getFieldset()
  const onSale = tiers.filter((tier) => tier.state.kind === 'on_sale')
  const chosen = (tierId: string) => {
    const initial = lastResult?.initialValue as { quantities?: Record<string, string> } | undefined
    return initial?.quantities?.[tierId] ?? (onSale.length === 1 ? undefined : '0')
  }
  const initialQuantities = Object.fromEntries(
    onSale.map((tier) => [tier.id, Number(chosen(tier.id) ?? (tier.state.kind === 'on_sale' ? (tier.state.choices[1] ?? 0) : 0))]),
  )
  // The button says what happens next: free tickets are booked, paid ones go on to Stripe's payment page.
  const [quantities, setQuantities] = useState<Record<string, number>>(initialQuantities)
  const noneChosen = onSale.every((tier) => !quantities[tier.id])
  const paying = onSale.some((tier) => !tier.free && (noneChosen || (quantities[tier.id] ?? 0) > 0))
  return (
    <Form method="post" className="registration" {...getFormProps(form)}>
      <input type="hidden" name="nonce" value={nonce} />
      <ErrorList id={form.errorId} errors={form.errors} />
      <ul className="event-page__tiers">
        {tiers.map((tier) => {
          const errorId = `tier-${tier.id}-error`
          const errors = lastResult?.error?.[`quantities.${tier.id}`] ?? undefined
          return (
            <li key={tier.id} className="event-page__tier">
              <TierSummary tier={tier} />
              {tier.state.kind === 'on_sale' ? (
                <div className="registration__pick">
                  <label htmlFor={`tier-${tier.id}`}>Tickets</label>
                  <select
                    id={`tier-${tier.id}`}
                    name={`quantities.${tier.id}`}
                    defaultValue={String(initialQuantities[tier.id] ?? 0)}
                    onChange={(event) => setQuantities((current) => ({ ...current, [tier.id]: Number(event.target.value) }))}
                    aria-invalid={errors ? true : undefined}
                    aria-describedby={errors ? errorId : undefined}
                  >
                    {tier.state.choices.map((count) => (
                      <option key={count} value={count}>
                        {count}
                      </option>
                    ))}
                  </select>
                  <span className="registration__left">{tier.state.left}</span>
                </div>
              ) : (
                <p className="registration__state">{tier.state.label}</p>
              )}
              <ErrorList id={errorId} errors={errors} />
            </li>
          )
        })}
      </ul>
      {onSale.length > 0 ? (
        <div className="registration__buyer stack">
          <Field label="Your name" type="text" field={buyer.name} autoComplete="name" />
          <Field label="E-mail" type="email" field={buyer.email} autoComplete="email" hint="Your tickets are sent here." />
          {paying ? <p className="hint">You pay on Stripe's secure page; your seats are held for 30 minutes meanwhile.</p> : null}
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? (paying ? 'Opening payment…' : 'Registering…') : paying ? 'Continue to payment' : 'Register'}
          </button>
        </div>
      ) : null}
    </Form>
  )
}
