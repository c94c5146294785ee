import { TextInput } from '../inputs'
import type { StageFieldsProps } from '../stage-fields'

export function OrganizerFields({ fields }: StageFieldsProps) {
  return (
    <>
      <TextInput field={fields.name} label="Your name" autoComplete="name" />
      <TextInput field={fields.organization} label="Organization" hint="As guests should see it, e.g. your brand or gallery." autoComplete="organization" />
      <TextInput field={fields.email} label="E-mail" type="email" autoComplete="email" />
      <TextInput field={fields.phone} label="Phone (optional)" type="tel" autoComplete="tel" />
    </>
  )
}
