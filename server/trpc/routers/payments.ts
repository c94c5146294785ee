import { paymentDepsOf } from '../../payments/deps'
import { startOnboarding } from '../../payments/onboarding'
import { SessionInputSchema } from '../../wizard/inputs'
import { createTrpcRouter, protectedProcedure } from '../init'

export const paymentsRouter = createTrpcRouter({
  startOnboarding: protectedProcedure
    .input(SessionInputSchema)
    .mutation(({ ctx, input }) => startOnboarding(paymentDepsOf(ctx.app), ctx.actor, input.sessionId)),
})
