import { z } from 'zod'
import { EmailSchema } from '../auth/schemas'
import { storableString } from '../storable-text'

export const OrganizationNameSchema = storableString({ message: 'Name your organization.' })
  .trim()
  .min(1, { message: 'Name your organization.' })
  .max(120, { message: 'An organization name has at most 120 characters.' })

export const CreateOrganizationSchema = z.object({ name: OrganizationNameSchema })
export type CreateOrganization = z.infer<typeof CreateOrganizationSchema>

/** Owners are made only by creating an organization; members are added as admin or member. */
export const AddMemberSchema = z.object({
  organizationId: z.uuid({ message: 'Choose an organization.' }),
  email: EmailSchema,
  role: z.enum(['admin', 'member'], { message: 'Choose admin or member.' }),
})
export type AddMember = z.infer<typeof AddMemberSchema>
