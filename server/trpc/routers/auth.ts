import { createTrpcRouter, protectedProcedure } from '../init'

export const authRouter = createTrpcRouter({
  me: protectedProcedure.query(({ ctx }) => ({
    user: { id: ctx.claims.sub, email: ctx.claims.email ?? null },
  })),
})
