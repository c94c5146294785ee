import { type FieldMetadata, getInputProps, getSelectProps, getTextareaProps } from '@conform-to/react'
import type { ReactNode } from 'react'
import { ErrorList } from '../forms'

/** A field of a stage form, whose values are typed by the stage schema only on the server. */
type AnyField = FieldMetadata<string | undefined, Record<string, unknown>, string[]>

function Frame({ field, label, hint, children }: { field: AnyField; label: ReactNode; hint?: ReactNode; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={field.id}>{label}</label>
      {children}
      {hint ? (
        <p id={`${field.id}-hint`} className="hint">
          {hint}
        </p>
      ) : null}
      <ErrorList id={field.errorId} errors={field.errors} />
    </div>
  )
}

type InputType = 'text' | 'email' | 'url' | 'tel' | 'date' | 'time' | 'number' | 'datetime-local'

export function TextInput({
  field,
  label,
  type = 'text',
  hint,
  ...rest
}: { field: AnyField; label: ReactNode; type?: InputType; hint?: ReactNode } & Omit<React.InputHTMLAttributes<HTMLInputElement>, 'type' | 'form'>) {
  const props = getInputProps(field, { type, ariaDescribedBy: hint ? `${field.id}-hint` : undefined })
  return (
    <Frame field={field} label={label} hint={hint}>
      <input {...props} {...rest} key={props.key} />
    </Frame>
  )
}

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
