import { addMember, createOrganization } from '../../orgs/organizations'
import { AddMemberSchema, CreateOrganizationSchema } from '../../orgs/schemas'
import { createTrpcRouter, protectedProcedure } from '../init'

export const orgsRouter = createTrpcRouter({
  create: protectedProcedure
    .input(CreateOrganizationSchema)
    .mutation(({ ctx, input }) => createOrganization(ctx.app.database.db, ctx.claims, input)),
  addMember: protectedProcedure
    .input(AddMemberSchema)
    .mutation(({ ctx, input }) => addMember(ctx.app.database.db, ctx.claims, input)),
})
