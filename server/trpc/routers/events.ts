import { eventAttendees } from '../../orders/attendees'
import { cancelEvent } from '../../orders/cancel-event'
import { eventSales } from '../../orders/sales'
import { CancelEventInputSchema, EventAttendeesInputSchema, EventSalesInputSchema } from '../../orders/schemas'
import { eventBySlug, myEvents, republishEvent, unpublishEvent } from '../../wizard/events'
import { EventIdInputSchema, EventSlugInputSchema, MyEventsInputSchema } from '../../wizard/inputs'
import { createTrpcRouter, protectedProcedure, publicProcedure } from '../init'

export const eventsRouter = createTrpcRouter({
  mine: protectedProcedure.input(MyEventsInputSchema).query(({ ctx, input }) => myEvents(ctx.deps, ctx.claims, input?.limit)),
  bySlug: publicProcedure.input(EventSlugInputSchema).query(({ ctx, input }) => eventBySlug(ctx.deps, input.slug)),
  unpublish: protectedProcedure.input(EventIdInputSchema).mutation(({ ctx, input }) => unpublishEvent(ctx.deps, ctx.actor, input.eventId)),
  /** An unpublished event back on its page, as it was. */
  republish: protectedProcedure.input(EventIdInputSchema).mutation(({ ctx, input }) => republishEvent(ctx.deps, ctx.actor, input.eventId)),
  /**
   * Called off for good: the page says cancelled (with `message`), orders end — paid ones refunded once,
   * attendees e-mailed. Answers how many orders are still being wound down (the sweeper finishes them).
   */
  cancel: protectedProcedure.input(CancelEventInputSchema).mutation(({ ctx, input }) => cancelEvent(ctx.deps, ctx.actor, input)),
  /** Its people only (publisher, organization members): seats per tier, money per currency, orders by status. */
  sales: protectedProcedure.input(EventSalesInputSchema).query(({ ctx, input }) => eventSales(ctx.deps, ctx.claims, input.eventId)),
  /** Its people only: a page of attendees, optionally searched by name, e-mail or ticket code. */
  attendees: protectedProcedure.input(EventAttendeesInputSchema).query(({ ctx, input }) => eventAttendees(ctx.deps, ctx.claims, input)),
})
