import { Field } from '../../forms'
import type { StageFieldsProps } from '../stage-fields'

export function SponsorFields({ form, fields }: StageFieldsProps) {
  const sponsors = fields.sponsors.getFieldList()
  return (
    <>
      <Field
        field={fields.coverImageUrl}
        label="Cover image link (optional)"
        type="url"
        placeholder="https://"
        hint="An https:// link to an image; it heads the public page."
      />
      {sponsors.map((sponsor, index) => {
        const sponsorFields = sponsor.getFieldset()
        return (
          <fieldset key={sponsor.key ?? index} className="stack tier">
            <legend>Sponsor {index + 1}</legend>
            <Field field={sponsorFields.name} label="Name" />
            <div className="grid grid--2">
              <Field field={sponsorFields.url} label="Website (optional)" type="url" placeholder="https://" />
              <Field field={sponsorFields.logoUrl} label="Logo link (optional)" type="url" placeholder="https://" />
            </div>
            <Field field={sponsorFields.level} label="Level (optional)" placeholder="Gold, Partner…" />
            <div className="actions">
              <button className="button button--small" {...form.remove.getButtonProps({ name: fields.sponsors.name, index })}>
                Remove sponsor {index + 1}
              </button>
            </div>
          </fieldset>
        )
      })}
      <div className="actions">
        <button className="button" {...form.insert.getButtonProps({ name: fields.sponsors.name })}>
          Add a sponsor
        </button>
        <button type="submit" name="intent" value="skip" className="button" formNoValidate>
          Skip this step
        </button>
      </div>
    </>
  )
}
