import type { LoaderFunctionArgs } from '@remix-run/node'
import { createEvent } from 'ics'
import { venueFrom } from '../lib/event-presentation'
import { loadOrder, withKey } from '../lib/order-page.server'

/** "Add to calendar": the event as an .ics file, for whoever may see the order. */
export async function loader(args: LoaderFunctionArgs) {
  const { order, key } = await loadOrder(args)
  const venue = venueFrom(order.event.venue)
  const orderUrl = `${args.context.app.config.APP_URL}${withKey(`/orders/${order.id}`, key)}`
  const { error, value } = createEvent({
    uid: `${order.id}@event-wizard`,
    title: order.event.title,
    start: order.event.startsAt.getTime(),
    startInputType: 'utc',
    // Without an end the calendar shows the start only; an hour is what calendars assume too.
    end: (order.event.endsAt ?? new Date(order.event.startsAt.getTime() + 3_600_000)).getTime(),
    endInputType: 'utc',
    location: venue ? [venue.name, venue.address, venue.city].join(', ') : (order.onlineUrl ?? undefined),
    url: orderUrl,
    description: [`Your tickets: ${orderUrl}`, order.onlineUrl ? `Join online: ${order.onlineUrl}` : null].filter(Boolean).join('\n'),
  })
  if (error || !value) throw error ?? new Error('calendar file not created')
  return new Response(value, {
    headers: {
      'Content-Type': 'text/calendar; charset=utf-8',
      'Content-Disposition': 'attachment; filename="event.ics"',
      'Cache-Control': 'private, no-store',
    },
  })
}
