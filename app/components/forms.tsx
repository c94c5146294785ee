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

type InputType = 'text' | 'email' | 'password' | 'url' | 'tel' | 'number' | 'date' | 'time'

/**
 * A labelled input with its errors: `aria-invalid` and `aria-describedby` wired by Conform, the
 * value kept after a failed submit, constraints (required, length) from the Zod schema.
 */
export function Field({
  label,
  field,
  type,
  hint,
  inputProps,
}: {
  label: ReactNode
  field: FieldMetadata<string | undefined>
  type: InputType
  hint?: ReactNode
  inputProps?: InputHTMLAttributes<HTMLInputElement>
}) {
  const hintId = hint ? `${field.id}-hint` : undefined
  const props = getInputProps(field, { type, ariaDescribedBy: hintId })
  return (
    <div className="field">
      <label htmlFor={field.id}>{label}</label>
      <input {...props} {...inputProps} key={props.key} />
      {hint ? (
        <p id={hintId} className="hint">
          {hint}
        </p>
      ) : null}
      <ErrorList id={field.errorId} errors={field.errors} />
    </div>
  )
}
