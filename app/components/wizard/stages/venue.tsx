import { useEffect, useState } from 'react'
import { Field } from '../../forms'
import { Select } from '../inputs'
import type { StageFieldsProps } from '../stage-fields'

/**
 * With JavaScript, only the chosen mode's fields show (a mode not chosen posts nothing, which the server
 * would drop anyway); without it both groups show under plain headings, since the page cannot react to
 * the choice.
 */
export function VenueFields({ fields, options }: StageFieldsProps) {
  const venue = fields.venue.getFieldset()
  const online = fields.online.getFieldset()
  const [hydrated, setHydrated] = useState(false)
  useEffect(() => setHydrated(true), [])
  const mode = fields.mode.value
  const showVenue = !hydrated || mode === 'physical' || mode === 'hybrid'
  const showOnline = !hydrated || mode === 'virtual' || mode === 'hybrid'
  return (
    <>
      <Select
        field={fields.mode}
        label="How will guests attend?"
        placeholder="Choose…"
        options={[
          { value: 'physical', label: 'In person' },
          { value: 'virtual', label: 'Online' },
          { value: 'hybrid', label: 'In person and online' },
        ]}
      />
      {showVenue ? (
        <fieldset className="stack">
          <legend>{hydrated ? 'Venue' : 'In person: the venue'}</legend>
          <Field field={venue.name} label="Venue name" />
          <Field field={venue.address} label="Street address" autoComplete="street-address" />
          <div className="grid grid--2">
            <Field field={venue.city} label="City" autoComplete="address-level2" />
            <Field field={venue.postalCode} label="Postal code (optional)" autoComplete="postal-code" />
          </div>
          <Select
            field={venue.country}
            label="Country"
            placeholder="Choose…"
            options={options.countries.map((country) => ({ value: country.code, label: country.name }))}
          />
          <Field field={venue.capacity} label="Capacity (optional)" type="number" min={1} inputMode="numeric" />
        </fieldset>
      ) : null}
      {showOnline ? (
        <fieldset className="stack">
          <legend>{hydrated ? 'Online' : 'Online: the meeting link'}</legend>
          <Field
            field={online.url}
            label="Meeting link"
            type="url"
            placeholder="https://"
            hint="Only ticket holders get it; it never appears on the public page."
          />
          <Field field={online.platform} label="Platform (optional)" placeholder="Zoom, Meet…" />
        </fieldset>
      ) : null}
      <ErrorHint errors={[...(fields.venue.errors ?? []), ...(fields.online.errors ?? [])]} />
    </>
  )
}

function ErrorHint({ errors }: { errors: string[] }) {
  if (errors.length === 0) return null
  return (
    <ul className="errors" role="alert">
      {errors.map((error) => (
        <li key={error}>{error}</li>
      ))}
    </ul>
  )
}
