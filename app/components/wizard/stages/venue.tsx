import type { StageFieldsProps } from '../stage-fields'
import { Select, TextInput } from '../inputs'

export function VenueFields({ fields, options }: StageFieldsProps) {
  const venue = fields.venue.getFieldset()
  const online = fields.online.getFieldset()
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
      <fieldset className="stack">
        <legend>Venue (in person, hybrid)</legend>
        <TextInput field={venue.name} label="Venue name" />
        <TextInput field={venue.address} label="Street address" autoComplete="street-address" />
        <div className="grid grid--2">
          <TextInput field={venue.city} label="City" autoComplete="address-level2" />
          <TextInput field={venue.postalCode} label="Postal code (optional)" autoComplete="postal-code" />
        </div>
        <Select
          field={venue.country}
          label="Country"
          placeholder="Choose…"
          options={options.countries.map((country) => ({ value: country.code, label: country.name }))}
        />
        <TextInput field={venue.capacity} label="Capacity (optional)" type="number" min={1} inputMode="numeric" />
      </fieldset>
      <fieldset className="stack">
        <legend>Online (online, hybrid)</legend>
        <TextInput field={online.url} label="Meeting link" type="url" placeholder="https://" hint="Only ticket holders get it; it never appears on the public page." />
        <TextInput field={online.platform} label="Platform (optional)" placeholder="Zoom, Meet…" />
      </fieldset>
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
