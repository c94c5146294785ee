import { eventBySlug, myEvents, unpublishEvent } from '../../wizard/events'
import { EventIdInput, EventSlugInput } from '../../wizard/inputs'
import { createTrpcRouter, protectedProcedure, publicProcedure } from '../init'

export const eventsRouter = createTrpcRouter({
  mine: protectedProcedure.query(({ ctx }) => myEvents(ctx.deps, ctx.claims)),
  bySlug: publicProcedure
    .input(EventSlugInput)
    .query(({ ctx, input }) => eventBySlug({ db: ctx.app.database.db, now: ctx.app.now }, input.slug)),
  unpublish: protectedProcedure
    .input(EventIdInput)
    .mutation(({ ctx, input }) => unpublishEvent(ctx.deps, ctx.actor, input.eventId)),
})
