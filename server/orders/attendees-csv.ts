import type { AuthenticatedClaims } from '../auth/identity'
import { type Attendee, attendeeBatches } from './attendees'
import { csvLine } from './csv'
import type { OrderDeps } from './deps'

/** "2030-10-01 19:00:00" in the event's time zone: what a spreadsheet reads as a date and time. */
function localTimeIn(timeZone: string): (at: Date | null) => string | null {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  })
  return (at) => {
    if (!at) return null
    const part = Object.fromEntries(format.formatToParts(at).map(({ type, value }) => [type, value]))
    return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second}`
  }
}

function columnsIn(timeZone: string) {
  const localTime = localTimeIn(timeZone)
  const columns: [string, (attendee: Attendee) => string | null][] = [
    ['Ticket code', (attendee) => attendee.code],
    ['Attendee', (attendee) => attendee.holderName],
    ['Ticket type', (attendee) => attendee.tierName],
    ['Ticket status', (attendee) => attendee.ticketStatus],
    [`Checked in at (${timeZone})`, (attendee) => localTime(attendee.checkedInAt)],
    ['Buyer', (attendee) => attendee.buyerName],
    ['Buyer e-mail', (attendee) => attendee.buyerEmail],
    ['Order', (attendee) => attendee.orderId],
    ['Order status', (attendee) => attendee.orderStatus],
    [`Ordered at (${timeZone})`, (attendee) => localTime(attendee.orderedAt)],
  ]
  return columns
}

/**
 * An event's attendees as a CSV file, written while it is read: a header, then one line per ticket,
 * batch by batch as the download takes them (nothing waits in memory for a slow client). The byte
 * order mark lets spreadsheets read the names as UTF-8. For the event's people only: to anyone else the
 * first batch fails, so the caller checks access before it sends a status.
 */
export function attendeesCsv(deps: Pick<OrderDeps, 'db'>, claims: AuthenticatedClaims, event: { id: string; timezone: string }): ReadableStream<Uint8Array> {
  const columns = columnsIn(event.timezone)
  const encoder = new TextEncoder()
  const batches = attendeeBatches(deps, claims, event.id)
  let headerSent = false
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true
        controller.enqueue(encoder.encode(`\uFEFF${csvLine(columns.map(([title]) => title))}`))
        return
      }
      const batch = await batches.next()
      if (batch.done) {
        controller.close()
        return
      }
      controller.enqueue(encoder.encode(batch.value.map((attendee) => csvLine(columns.map(([, value]) => value(attendee)))).join('')))
    },
    async cancel() {
      await batches.return(undefined)
    },
  })
}
