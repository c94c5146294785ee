import { useEffect, useRef } from 'react'
import { eventTypeLabels } from '../../../lib/event-presentation'
import { Field } from '../../forms'
import { Select, TextArea } from '../inputs'
import type { StageFieldsProps } from '../stage-fields'

/** The public labels, except that the choice "other" reads as a choice. */
const typeChoices = { ...eventTypeLabels, other: 'Something else' }

export function EventFields({ form, fields, options, onFilledIn }: StageFieldsProps) {
  const zone = fields.timezone
  // With JavaScript, an empty time zone starts as the browser's own (the server accepts aliases too),
  // and is saved like a typed value.
  const zoneValue = zone.value
  const filledIn = useRef(false)
  useEffect(() => {
    if (zoneValue || filledIn.current) return
    // After the page's own effects: the form must be set up before it can be updated.
    const timer = setTimeout(() => {
      filledIn.current = true
      form.update({ name: zone.name, value: Intl.DateTimeFormat().resolvedOptions().timeZone })
      onFilledIn?.()
    }, 0)
    return () => clearTimeout(timer)
  }, [form, zone.name, zoneValue, onFilledIn])
  return (
    <>
      <Field field={fields.title} label="Title" hint="3 to 120 characters." />
      <Select
        field={fields.type}
        label="Type of event"
        placeholder="Choose…"
        options={Object.entries(typeChoices).map(([value, label]) => ({ value, label }))}
      />
      <TextArea field={fields.description} label="Description (optional)" rows={5} />
      <div className="grid grid--2">
        <Field field={fields.date} label="Date" type="date" />
        <Field field={fields.startTime} label="Starts at" type="time" />
        <Field field={fields.endDate} label="Ends on (optional)" type="date" hint="Leave empty for the same day." />
        <Field field={fields.endTime} label="Ends at (optional)" type="time" hint="Earlier than the start means the next morning." />
      </div>
      <Field
        field={zone}
        label="Time zone"
        list="time-zones"
        autoComplete="off"
        placeholder="A city or a zone"
        hint="A city such as Paris, New York or Tokyo, or a zone such as Europe/Paris. Times are in this zone."
      />
      <datalist id="time-zones">
        {options.timeZones.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
    </>
  )
}
