import { eventAttendees } from '../../orders/attendees'
import { eventSales } from '../../orders/sales'
import { EventAttendeesInputSchema, EventSalesInputSchema } from '../../orders/schemas'
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
  /** Its people only (publisher, organization members): seats per tier, money per currency, orders by status. */
  sales: protectedProcedure.input(EventSalesInputSchema).query(({ ctx, input }) => eventSales(ctx.deps, ctx.claims, input.eventId)),
  /** Its people only: a page of attendees, optionally searched by name, e-mail or ticket code. */
  attendees: protectedProcedure.input(EventAttendeesInputSchema).query(({ ctx, input }) => eventAttendees(ctx.deps, ctx.claims, input)),
})
