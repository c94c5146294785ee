import { CheckInInputSchema, checkInTicket } from '../../orders/check-in'
import { createTrpcRouter, protectedProcedure } from '../init'

export const ticketsRouter = createTrpcRouter({
  /** At the door: the event's publisher and its organization's members (owners, admins, members). */
  checkIn: protectedProcedure.input(CheckInInputSchema).mutation(({ ctx, input }) => checkInTicket(ctx.deps, ctx.claims, input)),
})
