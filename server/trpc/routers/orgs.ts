import { acceptInvitation, inviteMember, showInvitation } from '../../orgs/invitations'
import { changeRole, leaveOrganization, listMembers, removeMember } from '../../orgs/members'
import { createOrganization } from '../../orgs/organizations'
import { ChangeRoleSchema, CreateOrganizationSchema, InvitationTokenSchema, InviteMemberSchema, MemberSchema, OrganizationIdSchema } from '../../orgs/schemas'
import { createTrpcRouter, protectedProcedure } from '../init'

export const orgsRouter = createTrpcRouter({
  create: protectedProcedure.input(CreateOrganizationSchema).mutation(({ ctx, input }) => createOrganization(ctx.deps, ctx.claims, input)),
  invite: protectedProcedure.input(InviteMemberSchema).mutation(({ ctx, input }) => inviteMember(ctx.deps, ctx.claims, input)),
  /** What the invitation page shows: the organization and the role, for the invitee only. */
  invitation: protectedProcedure.input(InvitationTokenSchema).query(({ ctx, input }) => showInvitation(ctx.deps, ctx.claims, input.token)),
  /** Its members with their e-mail and role, owners first; for its members only. */
  members: protectedProcedure.input(OrganizationIdSchema).query(({ ctx, input }) => listMembers(ctx.deps, ctx.claims, input.organizationId)),
  /** Owners change anyone's role; admins those of admins and members. The last owner stays owner. */
  changeRole: protectedProcedure.input(ChangeRoleSchema).mutation(({ ctx, input }) => changeRole(ctx.deps, ctx.claims, input)),
  /** Owners remove anyone, admins admins and members; never the last owner. */
  removeMember: protectedProcedure.input(MemberSchema).mutation(({ ctx, input }) => removeMember(ctx.deps, ctx.claims, input)),
  /** The caller leaves the organization; its last owner cannot. */
  leave: protectedProcedure.input(OrganizationIdSchema).mutation(({ ctx, input }) => leaveOrganization(ctx.deps, ctx.claims, input)),
  acceptInvitation: protectedProcedure.input(InvitationTokenSchema).mutation(({ ctx, input }) => acceptInvitation(ctx.deps, ctx.claims, input.token)),
})
