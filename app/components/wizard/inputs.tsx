import { getInputProps, getSelectProps, getTextareaProps } from '@conform-to/react'
import type { ReactNode } from 'react'
import { type AnyField, ErrorList, FieldFrame as Frame } from '../forms'

export function TextArea({ field, label, hint, rows = 4 }: { field: AnyField; label: ReactNode; hint?: ReactNode; rows?: number }) {
  const props = getTextareaProps(field, { ariaDescribedBy: hint ? `${field.id}-hint` : undefined })
  return (
    <Frame field={field} label={label} hint={hint}>
      <textarea {...props} rows={rows} key={props.key} />
    </Frame>
  )
}

export function Select({
  field,
  label,
  options,
  placeholder,
  hint,
}: {
  field: AnyField
  label: ReactNode
  options: { value: string; label: string }[]
  placeholder?: string
  hint?: ReactNode
}) {
  const props = getSelectProps(field, { ariaDescribedBy: hint ? `${field.id}-hint` : undefined })
  return (
    <Frame field={field} label={label} hint={hint}>
      <select {...props} key={props.key}>
        {placeholder ? <option value="">{placeholder}</option> : null}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </Frame>
  )
}

export function Checkbox({ field, label }: { field: AnyField; label: ReactNode }) {
  const props = getInputProps(field, { type: 'checkbox' })
  return (
    <div className="field field--checkbox">
      <input {...props} key={props.key} />
      <label htmlFor={field.id}>{label}</label>
      <ErrorList id={field.errorId} errors={field.errors} />
    </div>
  )
}
