import { startOnboarding } from '../../payments/onboarding'
import { SessionInputSchema } from '../../wizard/inputs'
import { createTrpcRouter, protectedProcedure } from '../init'

export const paymentsRouter = createTrpcRouter({
  startOnboarding: protectedProcedure.input(SessionInputSchema).mutation(({ ctx, input }) => startOnboarding(ctx.deps, ctx.actor, input.sessionId)),
})
