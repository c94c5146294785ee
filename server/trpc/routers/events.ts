import { eventBySlug, myEvents, unpublishEvent } from '../../wizard/events'
import { EventIdInput, EventSlugInput, MyEventsInput } from '../../wizard/inputs'
import { createTrpcRouter, protectedProcedure, publicProcedure } from '../init'

export const eventsRouter = createTrpcRouter({
  mine: protectedProcedure.input(MyEventsInput).query(({ ctx, input }) => myEvents(ctx.deps, ctx.claims, input?.limit)),
  bySlug: publicProcedure
    .input(EventSlugInput)
    .query(({ ctx, input }) => eventBySlug({ db: ctx.app.database.db, now: ctx.app.now }, input.slug)),
  unpublish: protectedProcedure
    .input(EventIdInput)
    .mutation(({ ctx, input }) => unpublishEvent(ctx.deps, ctx.actor, input.eventId)),
})
