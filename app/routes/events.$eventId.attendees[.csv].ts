import type { LoaderFunctionArgs } from '@remix-run/node'
import { attendeesCsv } from '../../server/orders/attendees-csv'
import { callerFor } from '../lib/caller.server'
import { notFoundAs404 } from '../lib/form-errors.server'
import { requireUser } from '../lib/session.server'

/**
 * "Download CSV": every attendee of the event, streamed as it is read. The same rule as the event's
 * page (its sales, through the same procedure) decides who may have it, before a byte is sent.
 */
export async function loader(args: LoaderFunctionArgs) {
  const claims = await requireUser(args)
  const caller = await callerFor(args)
  const { event } = await caller.events.sales({ eventId: args.params.eventId ?? '' }).catch(notFoundAs404)
  const body = attendeesCsv({ db: args.context.app.database.db }, claims, event)
  return new Response(body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${event.slug}-attendees.csv"`,
      'Cache-Control': 'private, no-store',
    },
  })
}
