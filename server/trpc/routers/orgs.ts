import { acceptInvitation, inviteMember, showInvitation } from '../../orgs/invitations'
import { createOrganization } from '../../orgs/organizations'
import { CreateOrganizationSchema, InvitationTokenSchema, InviteMemberSchema } from '../../orgs/schemas'
import { createTrpcRouter, protectedProcedure } from '../init'

export const orgsRouter = createTrpcRouter({
  create: protectedProcedure
    .input(CreateOrganizationSchema)
    .mutation(({ ctx, input }) => createOrganization(ctx.app.database.db, ctx.claims, input)),
  invite: protectedProcedure
    .input(InviteMemberSchema)
    .mutation(({ ctx, input }) => inviteMember(ctx.app.database.db, ctx.claims, input, ctx.app.orgs.invitationSecret)),
  /** What the invitation page shows: the organization and the role, for the invitee only. */
  invitation: protectedProcedure
    .input(InvitationTokenSchema)
    .query(({ ctx, input }) => showInvitation(ctx.app.database.db, ctx.claims, input.token)),
  acceptInvitation: protectedProcedure
    .input(InvitationTokenSchema)
    .mutation(({ ctx, input }) => acceptInvitation(ctx.app.database.db, ctx.claims, input.token)),
})
