import { and, asc, eq, ilike, or, type SQL, sql } from 'drizzle-orm'
import type { Transaction } from '../../db/client'
import { withRls } from '../../db/rls'
import { eventTicketTiers, orders, tickets } from '../../db/schema'
import type { AuthenticatedClaims } from '../auth/identity'
import type { OrderDeps } from './deps'
import { eventOfItsPeople } from './sales'
import type { EventAttendeesInput } from './schemas'

type AttendeeDeps = Pick<OrderDeps, 'db'>

/** One ticket as the organizer sees it: who holds it, who bought it, where it stands. */
const attendeeColumns = {
  ticketId: tickets.id,
  code: tickets.code,
  holderName: tickets.holderName,
  ticketStatus: tickets.status,
  checkedInAt: tickets.checkedInAt,
  tierName: eventTicketTiers.name,
  orderId: orders.id,
  orderStatus: orders.status,
  buyerName: orders.buyerName,
  buyerEmail: orders.buyerEmail,
  orderedAt: orders.createdAt,
}

/** `%`, `_` and the escape character itself match literally in a LIKE pattern once escaped. */
export const escapeLike = (text: string) => text.replace(/[\\%_]/g, (character) => `\\${character}`)

/** An event's tickets, or those whose holder, buyer, e-mail or code contains `search` (any case). */
function attendeesOf(eventId: string, search: string | undefined): SQL | undefined {
  const ofEvent = eq(tickets.eventId, eventId)
  if (!search) return ofEvent
  const pattern = `%${escapeLike(search)}%`
  return and(ofEvent, or(ilike(tickets.holderName, pattern), ilike(orders.buyerName, pattern), ilike(orders.buyerEmail, pattern), ilike(tickets.code, pattern)))
}

/** Tickets in the order they were issued; the id breaks ties (one order's tickets share a moment). */
const issueOrder = [asc(tickets.createdAt), asc(tickets.id)]

/**
 * The tickets with their orders and tiers. `issuedAt` is where a row stands in the issue order, to the
 * microsecond, as text in UTC (a JavaScript Date would drop the microseconds, and the export skip rows).
 */
const fromTickets = (tx: Transaction) =>
  tx
    .select({ ...attendeeColumns, issuedAt: sql<string>`to_char(${tickets.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')` })
    .from(tickets)
    .innerJoin(orders, eq(orders.id, tickets.orderId))
    .innerJoin(eventTicketTiers, eq(eventTicketTiers.id, tickets.tierId))

const withoutPosition = <Row extends { issuedAt: string }>({ issuedAt: _issuedAt, ...attendee }: Row) => attendee

/**
 * A page of an event's attendees (one row per ticket, void ones too, so a refund stays visible) for its
 * people; anyone else gets NOT_FOUND. Pages are numbered: tickets are never deleted and new ones are
 * issued last, so a page shows the same people while registrations come in.
 */
export async function eventAttendees(deps: AttendeeDeps, claims: AuthenticatedClaims, input: EventAttendeesInput) {
  const search = input.search || undefined
  return withRls(deps.db, claims, async (tx) => {
    const event = await eventOfItsPeople(tx, input.eventId)
    const where = attendeesOf(event.id, search)
    const [counted] = await tx
      .select({ total: sql`count(*)`.mapWith(Number) })
      .from(tickets)
      .innerJoin(orders, eq(orders.id, tickets.orderId))
      .where(where)
    const rows = await fromTickets(tx)
      .where(where)
      .orderBy(...issueOrder)
      .limit(input.limit)
      .offset((input.page - 1) * input.limit)
    const total = counted?.total ?? 0
    return {
      attendees: rows.map(withoutPosition),
      total,
      page: input.page,
      pageSize: input.limit,
      pageCount: Math.max(1, Math.ceil(total / input.limit)),
      search: search ?? null,
    }
  })
}

export type Attendee = Awaited<ReturnType<typeof eventAttendees>>['attendees'][number]

/** Where a batch of the export ended: the last ticket's `issuedAt` and id. */
interface BatchEnd {
  issuedAt: string
  ticketId: string
}

/**
 * Every attendee of an event, batch after batch, for the CSV export. Each batch is its own short
 * transaction under the caller's claims, continuing after the last row of the one before (keyset, not
 * an offset, so the thousandth batch costs what the first did): a slow download never holds a
 * database connection. A caller who is not one of the event's people gets NOT_FOUND from the first.
 */
export async function* attendeeBatches(deps: AttendeeDeps, claims: AuthenticatedClaims, eventId: string, batchSize = 500): AsyncGenerator<Attendee[]> {
  let after: BatchEnd | null = null
  for (;;) {
    const rows = await withRls(deps.db, claims, async (tx) => {
      if (!after) await eventOfItsPeople(tx, eventId)
      const next = after ? sql`(${tickets.createdAt}, ${tickets.id}) > ((${after.issuedAt}::timestamp at time zone 'UTC'), ${after.ticketId}::uuid)` : undefined
      return fromTickets(tx)
        .where(and(eq(tickets.eventId, eventId), next))
        .orderBy(...issueOrder)
        .limit(batchSize)
    })
    if (rows.length === 0) return
    const last = rows[rows.length - 1]!
    after = { issuedAt: last.issuedAt, ticketId: last.ticketId }
    yield rows.map(withoutPosition)
    if (rows.length < batchSize) return
  }
}
