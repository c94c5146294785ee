import { Field } from '../../forms'
import type { StageFieldsProps } from '../stage-fields'

export function OrganizerFields({ fields }: StageFieldsProps) {
  return (
    <>
      <Field field={fields.name} label="Your name" autoComplete="name" />
      <Field field={fields.organization} label="Organization" hint="As guests should see it, e.g. your brand or gallery." autoComplete="organization" />
      <Field field={fields.email} label="E-mail" type="email" autoComplete="email" />
      <Field field={fields.phone} label="Phone (optional)" type="tel" autoComplete="tel" />
    </>
  )
}
