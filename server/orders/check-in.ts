import { and, eq, exists, isNull, sql } from 'drizzle-orm'
import { z } from 'zod'
import { queryRows } from '../../db/client'
import { asServiceRole, withRls } from '../../db/rls'
import { eventTicketTiers, orders, tickets } from '../../db/schema'
import type { AuthenticatedClaims } from '../auth/identity'
import { DomainError, fieldIssuesOf } from '../errors'
import type { OrderDeps } from './deps'
import { normaliseTicketCode } from './ticket-codes'

/** A code typed at the door or read from a QR code, for one event: the typed API's input and the check-in form's. */
export const CheckInInputSchema = z.object({
  eventId: z.uuid({ message: 'Give the id of an event.' }),
  code: z
    .string({ message: 'Type or scan a ticket code.' })
    .max(200, { message: 'A ticket code is much shorter than this.' })
    .transform(normaliseTicketCode)
    .pipe(
      z
        .string()
        .min(1, { message: 'Type or scan a ticket code.' })
        .regex(/^[A-Z0-9]*$/, { message: 'A ticket code has only letters and digits.' }),
    ),
})
export type CheckInInput = z.input<typeof CheckInInputSchema>

/** The check-in page's form: the code; the event is the page's. */
export const CheckInFormSchema = CheckInInputSchema.pick({ code: true })

export interface CheckInResult {
  code: string
  holderName: string
  tierName: string
  orderStatus: (typeof orders.$inferSelect)['status']
  /** False: it had been checked in before, at `checkedInAt` by `checkedInBy` (a second scan). */
  admitted: boolean
  alreadyCheckedIn: boolean
  checkedInAt: Date
  /** Who checked it in; null when their account has since been deleted. */
  checkedInBy: { userId: string; email: string | null } | null
}

export const NO_SUCH_TICKET = 'No ticket with this code for this event.'
export const VOID_TICKET = 'This ticket is void (refunded or cancelled).'
export const UNPAID_TICKET = 'This ticket’s order is not confirmed: its payment has not been received.'

/**
 * Checks a ticket in at the door, as the signed-in publisher or a member of the event's organization
 * (RLS decides: to anyone else the code does not exist). One guarded UPDATE admits a valid ticket of a
 * confirmed order not checked in yet, so two scans of one code at once admit it once; when it admits
 * nothing, the ticket is read to say why: unknown, void, unpaid, or checked in already (when, by whom).
 */
export async function checkInTicket(deps: Pick<OrderDeps, 'db' | 'now'>, claims: AuthenticatedClaims, input: CheckInInput): Promise<CheckInResult> {
  const parsed = CheckInInputSchema.safeParse(input)
  if (!parsed.success) {
    const issues = fieldIssuesOf(parsed.error)
    throw new DomainError('BAD_REQUEST', issues[0]?.message ?? 'Type or scan a ticket code.', { issues })
  }
  const { eventId, code } = parsed.data
  const found = await withRls(deps.db, claims, async (tx) => {
    const ofThisEvent = and(eq(tickets.code, code), eq(tickets.eventId, eventId))
    const admitted = await tx
      .update(tickets)
      .set({ checkedInAt: deps.now(), checkedInBy: claims.sub })
      .where(
        and(
          ofThisEvent,
          eq(tickets.status, 'valid'),
          isNull(tickets.checkedInAt),
          exists(
            tx
              .select({ one: sql`1` })
              .from(orders)
              .where(and(eq(orders.id, tickets.orderId), eq(orders.status, 'confirmed'))),
          ),
        ),
      )
      .returning({ id: tickets.id })
    const [ticket] = await tx
      .select({
        status: tickets.status,
        holderName: tickets.holderName,
        checkedInAt: tickets.checkedInAt,
        checkedInBy: tickets.checkedInBy,
        tierName: eventTicketTiers.name,
        buyerName: orders.buyerName,
        orderStatus: orders.status,
        // A signed-in buyer reads their own tickets too, but checks nothing in.
        mayCheckIn: sql<boolean>`event_wizard.is_publisher_or_member(${tickets.eventId}, null)`,
      })
      .from(tickets)
      .innerJoin(orders, eq(orders.id, tickets.orderId))
      .innerJoin(eventTicketTiers, eq(eventTicketTiers.id, tickets.tierId))
      .where(ofThisEvent)
    return ticket?.mayCheckIn ? { ...ticket, admitted: admitted.length > 0 } : null
  })
  if (!found) throw new DomainError('NOT_FOUND', NO_SUCH_TICKET)
  if (!found.admitted) {
    if (found.status === 'void' || ['cancelled', 'refunded', 'expired'].includes(found.orderStatus)) {
      throw new DomainError('CONFLICT', VOID_TICKET)
    }
    if (found.orderStatus !== 'confirmed') throw new DomainError('PRECONDITION_FAILED', UNPAID_TICKET)
  }
  // Admitted now, or by the guarded update of an earlier scan: either way it carries when and by whom.
  if (!found.checkedInAt) throw new Error(`ticket ${code} neither admitted nor checked in`)
  return {
    code,
    holderName: found.holderName ?? found.buyerName,
    tierName: found.tierName,
    orderStatus: found.orderStatus,
    admitted: found.admitted,
    alreadyCheckedIn: !found.admitted,
    checkedInAt: found.checkedInAt,
    checkedInBy: found.checkedInBy ? { userId: found.checkedInBy, email: await emailOf(deps, claims, found.checkedInBy) } : null,
  }
}

/**
 * The e-mail of whoever checked a ticket in, for the event's people who can see the ticket: accounts
 * are read by the server only (auth.users has no grant to users), so this one is read as the service role.
 */
async function emailOf(deps: Pick<OrderDeps, 'db'>, claims: AuthenticatedClaims, userId: string): Promise<string | null> {
  if (userId === claims.sub && typeof claims.email === 'string') return claims.email
  const [account] = await asServiceRole(deps.db, (tx) => queryRows<{ email: string | null }>(tx, sql`select email from auth.users where id = ${userId}`))
  return account?.email ?? null
}
