import type { FieldMetadata } from '@conform-to/react'
import { getInputProps } from '@conform-to/react'
import type { InputHTMLAttributes, ReactNode } from 'react'

/** Messages under a field or a form, announced to screen readers. */
export function ErrorList({ id, errors }: { id: string; errors?: string[] | null }) {
  if (!errors?.length) return null
  return (
    <ul id={id} className="errors" role="alert">
      {errors.map((error) => (
        <li key={error}>{error}</li>
      ))}
    </ul>
  )
}

/** A form field, whatever form it belongs to: only its id, name, value and errors are read here. */
export type AnyField = FieldMetadata<string | undefined, Record<string, unknown>, string[]>

/** A field's frame: its label, the control, a hint the control is described by, and its errors. */
export function FieldFrame({ field, label, hint, children }: { field: AnyField; label: ReactNode; hint?: ReactNode; children: ReactNode }) {
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

type InputType = 'text' | 'email' | 'password' | 'url' | 'tel' | 'number' | 'date' | 'time' | 'datetime-local'

/**
 * A labelled input with its errors: `aria-invalid` and `aria-describedby` wired by Conform, the
 * value kept after a failed submit, constraints (required, length) from the Zod schema; any other
 * attribute (autocomplete, placeholder…) goes to the input.
 */
export function Field({
  field,
  label,
  type = 'text',
  hint,
  ...attributes
}: { field: AnyField; label: ReactNode; type?: InputType; hint?: ReactNode } & Omit<InputHTMLAttributes<HTMLInputElement>, 'type' | 'form'>) {
  const props = getInputProps(field, { type, ariaDescribedBy: hint ? `${field.id}-hint` : undefined })
  return (
    <FieldFrame field={field} label={label} hint={hint}>
      <input {...props} {...attributes} key={props.key} />
    </FieldFrame>
  )
}
