import { z } from 'zod'
import { EmailSchema } from '../auth/schemas'
import { storableString } from '../storable-text'

export const OrganizationNameSchema = storableString({ message: 'Name your organization.' })
  .trim()
  .min(1, { message: 'Name your organization.' })
  .max(120, { message: 'An organization name has at most 120 characters.' })

export const CreateOrganizationSchema = z.object({ name: OrganizationNameSchema })
export type CreateOrganization = z.infer<typeof CreateOrganizationSchema>

/** Owners are made only by creating an organization; people are invited as admin or member. */
export const InviteMemberSchema = z.object({
  organizationId: z.uuid({ message: 'Choose an organization.' }),
  email: EmailSchema,
  role: z.enum(['admin', 'member'], { message: 'Choose admin or member.' }),
})
export type InviteMember = z.infer<typeof InviteMemberSchema>

export const InvitationTokenSchema = z.object({
  token: z.string().trim().min(1, { message: 'This invitation link is incomplete.' }).max(200, { message: 'This invitation link is not valid.' }),
})

export const OrganizationIdSchema = z.object({ organizationId: z.uuid({ message: 'Choose an organization.' }) })

/** Someone in the organization: whose role changes, or who is removed. */
export const MemberSchema = OrganizationIdSchema.extend({ userId: z.uuid({ message: 'Choose a member.' }) })

/** Any role, owner included: owners make owners (an organization may have several). */
export const ChangeRoleSchema = MemberSchema.extend({
  role: z.enum(['owner', 'admin', 'member'], { message: 'Choose owner, admin or member.' }),
})
export type ChangeRole = z.infer<typeof ChangeRoleSchema>
