import { sendSignInLink, signIn, signOut, signUp } from '../../auth/accounts'
import { MagicLinkSchema, SignInSchema, SignUpSchema } from '../../auth/schemas'
import { listMyOrganizations } from '../../orgs/organizations'
import { createTrpcRouter, protectedProcedure, publicProcedure } from '../init'

export const authRouter = createTrpcRouter({
  signUp: publicProcedure.input(SignUpSchema).mutation(({ ctx, input }) => signUp(ctx.app, ctx.http, input)),
  signIn: publicProcedure.input(SignInSchema).mutation(({ ctx, input }) => signIn(ctx.app, ctx.http, input)),
  signOut: publicProcedure.mutation(async ({ ctx }) => {
    await signOut(ctx.app, ctx.http, ctx.identity)
    return { signedOut: true }
  }),
  sendSignInLink: publicProcedure.input(MagicLinkSchema).mutation(async ({ ctx, input }) => {
    await sendSignInLink(ctx.app, ctx.http, input.email)
    return { sent: true }
  }),
  me: protectedProcedure.query(async ({ ctx }) => ({
    user: { id: ctx.claims.sub, email: ctx.claims.email ?? null },
    organizations: await listMyOrganizations(ctx.deps, ctx.claims),
  })),
})
