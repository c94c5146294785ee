import { ErrorList, Field } from '../../forms'
import { Checkbox, Select } from '../inputs'
import type { StageFieldsProps } from '../stage-fields'

type TierFieldset = ReturnType<ReturnType<StageFieldsProps['fields']['tiers']['getFieldList']>[number]['getFieldset']>

const optionalTierFields = ['description', 'salesStart', 'salesEnd', 'minPerOrder', 'maxPerOrder', 'hidden'] as const

const moreOptionsInUse = (tier: TierFieldset) =>
  optionalTierFields.some((name) => {
    const field = tier[name]
    return (typeof field.value === 'string' && field.value !== '') || (field.errors?.length ?? 0) > 0
  })

export function TicketFields({ form, fields, options, paymentsConfigured = false }: StageFieldsProps) {
  const tiers = fields.tiers.getFieldList()
  // Said as soon as a price is entered, not at the payment stage after the organizer built paid tiers.
  const priced = tiers.some((tier) => {
    const price = tier.getFieldset().price.value
    return typeof price === 'string' && /[1-9]/.test(price)
  })
  const currencies = options.currencies.map((code) => ({ value: code, label: code }))
  return (
    <>
      {priced && !paymentsConfigured ? (
        <p className="notice notice--not_configured" data-payments-off>
          Payments are not configured on this server: only free tickets can be published here. Set every price to 0.
        </p>
      ) : null}
      <Select field={fields.currency} label="Currency" options={currencies} hint="Every tier of the event is sold in it." />
      <ErrorList id={fields.tiers.errorId} errors={fields.tiers.errors} />
      {tiers.map((tier, index) => {
        const tierFields = tier.getFieldset()
        return (
          <fieldset key={tier.key ?? index} className="stack tier">
            <legend>Tier {index + 1}</legend>
            {/* In an edit session, which of the event's tiers this is: kept, its orders stay with it. */}
            {tierFields.id.initialValue ? <input type="hidden" name={tierFields.id.name} defaultValue={String(tierFields.id.initialValue)} /> : null}
            <Field field={tierFields.name} label="Name" placeholder="General admission" />
            <div className="grid grid--2">
              <Field field={tierFields.price} label="Price" inputMode="decimal" hint="0 for free." />
              <Field field={tierFields.quantity} label="Tickets" type="number" min={1} inputMode="numeric" />
            </div>
            {/* What most tiers never need, folded away; open when it holds a value or a problem (works without JavaScript). */}
            <details className="tier__more" open={moreOptionsInUse(tierFields)}>
              <summary>More options</summary>
              <div className="stack">
                <Field field={tierFields.description} label="Description (optional)" />
                <div className="grid grid--2">
                  <Field field={tierFields.salesStart} label="Sales open (optional)" type="datetime-local" hint="In the event's time zone." />
                  <Field field={tierFields.salesEnd} label="Sales close (optional)" type="datetime-local" />
                  <Field field={tierFields.minPerOrder} label="Minimum per order (optional)" type="number" min={1} />
                  <Field field={tierFields.maxPerOrder} label="Maximum per order (optional)" type="number" min={1} />
                </div>
                <Checkbox field={tierFields.hidden} label="Hidden from the public page (e.g. press, guests)" />
              </div>
            </details>
            <ErrorList id={tier.errorId} errors={tier.errors} />
            <div className="actions">
              <button className="button button--small" {...form.remove.getButtonProps({ name: fields.tiers.name, index })}>
                Remove tier {index + 1}
              </button>
            </div>
          </fieldset>
        )
      })}
      <div className="actions">
        <button className="button" {...form.insert.getButtonProps({ name: fields.tiers.name, defaultValue: { price: '0' } })}>
          Add a tier
        </button>
      </div>
      <Field
        field={fields.totalCapacity}
        label="Total capacity (optional)"
        type="number"
        min={1}
        hint="Caps all tiers together; at most the venue's capacity."
      />
    </>
  )
}
