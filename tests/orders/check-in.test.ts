import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { asServiceRole } from '../../db/rls'
import * as schema from '../../db/schema'
import { DomainError } from '../../server/errors'
import { type CheckInInput, checkInTicket, NO_SUCH_TICKET, UNPAID_TICKET, VOID_TICKET } from '../../server/orders/check-in'
import { placeOrder } from '../../server/orders/place-order'
import { normaliseTicketCode } from '../../server/orders/ticket-codes'
import { describeEachDatabase, openTestDatabase, type TestDatabase } from '../support/databases'
import { createOrganization, createUser, type TestUser } from '../support/fixtures'
import { browserCookie, signUp } from '../support/organizers'
import { apiClient, failureOf, postForm, useTestServer } from '../support/server'
import { eventWithTiers, NOW, orderDeps } from './support'

const buyer = { name: 'Ada Lovelace', email: 'ada@example.test' }
const LATER = new Date(NOW.getTime() + 45 * 60_000)

/** The domain error a call failed with; fails the test if it succeeded. */
async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`)
  return error
}

/** A ticket as the database holds it, read past RLS. */
async function ticketRow(database: TestDatabase, code: string) {
  const [row] = await asServiceRole(database.db, (tx) => tx.select().from(schema.tickets).where(eq(schema.tickets.code, code)))
  return row!
}

describeEachDatabase('checking tickets in', (kind) => {
  let database: TestDatabase
  beforeAll(async () => {
    database = await openTestDatabase(kind, { poolMax: 12 })
  })
  afterAll(() => database.close())

  const checkIn = (user: TestUser, input: CheckInInput, now = NOW) => checkInTicket({ db: database.db, now: () => now }, user.claims, input)

  /** An event of an organization (published by its owner), with a confirmed free order of `quantity` tickets. */
  async function eventWithTickets(quantity = 1) {
    const owner = await createUser(database.db, 'owner')
    const member = await createUser(database.db, 'member')
    const organization = await createOrganization(database.db, owner, [{ user: member, role: 'member' }])
    const { event } = await eventWithTiers(database.db, [{ name: 'Front row' }], { organizationId: organization.id }, owner)
    const [tier] = await asServiceRole(database.db, (tx) => tx.select().from(schema.eventTicketTiers).where(eq(schema.eventTicketTiers.eventId, event.id)))
    const placed = await placeOrder(orderDeps(database.db), { eventId: event.id, items: [{ tierId: tier!.id, quantity }], buyer })
    const codes = (await asServiceRole(database.db, (tx) => tx.select().from(schema.tickets).where(eq(schema.tickets.orderId, placed.orderId)))).map(
      (ticket) => ticket.code,
    )
    return { owner, member, event, tier: tier!, orderId: placed.orderId, codes }
  }

  it('admits a valid ticket once, recording when and by whom, and names its holder, tier and order', async () => {
    const { owner, event, codes } = await eventWithTickets()
    const code = codes[0]!
    expect(await checkIn(owner, { eventId: event.id, code })).toEqual({
      code,
      holderName: buyer.name,
      tierName: 'Front row',
      orderStatus: 'confirmed',
      admitted: true,
      alreadyCheckedIn: false,
      checkedInAt: NOW,
      checkedInBy: { userId: owner.id, email: owner.email },
    })
    expect(await ticketRow(database, code)).toMatchObject({ status: 'valid', checkedInAt: NOW, checkedInBy: owner.id })
  })

  it('says on a second scan when and by whom it was checked in, and keeps the first check-in', async () => {
    const { owner, member, event, codes } = await eventWithTickets()
    const code = codes[0]!
    await checkIn(owner, { eventId: event.id, code })
    // Typed by hand: lower case, grouped with spaces and dashes.
    const typed = ` ${code.slice(0, 4).toLowerCase()}-${code.slice(4, 8)} ${code.slice(8)} `
    const second = await checkIn(member, { eventId: event.id, code: typed }, LATER)
    expect(second).toMatchObject({
      code,
      admitted: false,
      alreadyCheckedIn: true,
      checkedInAt: NOW,
      checkedInBy: { userId: owner.id, email: owner.email },
      holderName: buyer.name,
      tierName: 'Front row',
    })
    expect(await ticketRow(database, code)).toMatchObject({ checkedInAt: NOW, checkedInBy: owner.id })
  })

  it('lets every member of the organization check in, plain members too, in their own name', async () => {
    const { member, event, codes } = await eventWithTickets()
    expect(await checkIn(member, { eventId: event.id, code: codes[0]! })).toMatchObject({
      admitted: true,
      checkedInBy: { userId: member.id, email: member.email },
    })
    expect(await ticketRow(database, codes[0]!)).toMatchObject({ checkedInBy: member.id })
  })

  it('refuses a void ticket, clearly, and leaves it as it was', async () => {
    const { owner, event, codes } = await eventWithTickets()
    await asServiceRole(database.db, (tx) => tx.update(schema.tickets).set({ status: 'void' }).where(eq(schema.tickets.code, codes[0]!)))
    const error = await refusal(checkIn(owner, { eventId: event.id, code: codes[0]! }))
    expect({ code: error.code, message: error.message }).toEqual({ code: 'CONFLICT', message: VOID_TICKET })
    expect(await ticketRow(database, codes[0]!)).toMatchObject({ status: 'void', checkedInAt: null, checkedInBy: null })
  })

  it('refuses the tickets of a refunded order as void', async () => {
    const { owner, event, orderId, codes } = await eventWithTickets()
    await asServiceRole(database.db, (tx) => tx.update(schema.orders).set({ status: 'refunded', refundedAt: NOW }).where(eq(schema.orders.id, orderId)))
    const error = await refusal(checkIn(owner, { eventId: event.id, code: codes[0]! }))
    expect({ code: error.code, message: error.message }).toEqual({ code: 'CONFLICT', message: VOID_TICKET })
    expect((await ticketRow(database, codes[0]!)).checkedInAt).toBeNull()
  })

  it('does not admit a ticket of an order whose payment has not been received', async () => {
    const { owner, event, orderId, codes } = await eventWithTickets()
    await asServiceRole(database.db, (tx) =>
      tx.update(schema.orders).set({ status: 'pending', expiresAt: LATER, confirmedAt: null }).where(eq(schema.orders.id, orderId)),
    )
    const error = await refusal(checkIn(owner, { eventId: event.id, code: codes[0]! }))
    expect({ code: error.code, message: error.message }).toEqual({ code: 'PRECONDITION_FAILED', message: UNPAID_TICKET })
    expect((await ticketRow(database, codes[0]!)).checkedInAt).toBeNull()
  })

  it("answers NOT_FOUND for an unknown code and for another event's code, even of the same organizer", async () => {
    const first = await eventWithTickets()
    const { event: second } = await eventWithTiers(database.db, [{ name: 'General' }], {}, first.owner)
    for (const input of [
      { eventId: first.event.id, code: 'ABCDEFGHJKLMNPQR' },
      { eventId: second.id, code: first.codes[0]! },
    ]) {
      const error = await refusal(checkIn(first.owner, input))
      expect({ code: error.code, message: error.message }).toEqual({ code: 'NOT_FOUND', message: NO_SUCH_TICKET })
    }
    expect((await ticketRow(database, first.codes[0]!)).checkedInAt).toBeNull()
  })

  it("answers NOT_FOUND to someone who is not one of the event's people, the buyer included, and checks nothing in", async () => {
    const { event, tier } = await eventWithTickets()
    const signedInBuyer = await createUser(database.db, 'buyer')
    const placed = await placeOrder(
      orderDeps(database.db),
      { eventId: event.id, items: [{ tierId: tier.id, quantity: 1 }], buyer },
      { buyerUserId: signedInBuyer.id },
    )
    const [ticket] = await asServiceRole(database.db, (tx) => tx.select().from(schema.tickets).where(eq(schema.tickets.orderId, placed.orderId)))
    const stranger = await createUser(database.db, 'stranger')
    const owner = await createUser(database.db, 'other-owner')
    const admin = await createUser(database.db, 'other-admin')
    // An admin of another organization is nobody here.
    await createOrganization(database.db, owner, [{ user: admin, role: 'admin' }])
    for (const user of [stranger, admin, signedInBuyer]) {
      const error = await refusal(checkIn(user, { eventId: event.id, code: ticket!.code }))
      expect({ code: error.code, message: error.message }).toEqual({ code: 'NOT_FOUND', message: NO_SUCH_TICKET })
    }
    expect(await ticketRow(database, ticket!.code)).toMatchObject({ checkedInAt: null, checkedInBy: null })
  })

  it('admits a ticket exactly once when it is scanned at several doors at the same moment', async () => {
    const { owner, member, event, codes } = await eventWithTickets(2)
    const doors = [owner, member, owner, member, owner, member]
    const results = await Promise.all(doors.map((user) => checkIn(user, { eventId: event.id, code: codes[0]! })))
    const admitted = results.filter((result) => result.admitted)
    expect(admitted).toHaveLength(1)
    const checker = admitted[0]!.checkedInBy
    for (const result of results.filter((each) => !each.admitted)) {
      expect(result).toMatchObject({ alreadyCheckedIn: true, checkedInAt: NOW, checkedInBy: checker })
    }
    expect((await ticketRow(database, codes[0]!)).checkedInBy).toBe(checker!.userId)
    // The other ticket of the order was not touched.
    expect((await ticketRow(database, codes[1]!)).checkedInAt).toBeNull()
  })

  it('refuses bad input with BAD_REQUEST and a message for the field', async () => {
    const { owner, event } = await eventWithTickets()
    const cases: [CheckInInput, { path: string; message: string }][] = [
      [
        { eventId: event.id, code: '' },
        { path: 'code', message: 'Type or scan a ticket code.' },
      ],
      [
        { eventId: event.id, code: ' - - ' },
        { path: 'code', message: 'Type or scan a ticket code.' },
      ],
      [
        { eventId: event.id, code: 'ABCD/EFGH' },
        { path: 'code', message: 'A ticket code has only letters and digits.' },
      ],
      [
        { eventId: event.id, code: 'A'.repeat(201) },
        { path: 'code', message: 'A ticket code is much shorter than this.' },
      ],
      [
        { eventId: 'not-an-event', code: 'ABCDEFGHJKLMNPQR' },
        { path: 'eventId', message: 'Give the id of an event.' },
      ],
    ]
    for (const [input, issue] of cases) {
      const error = await refusal(checkIn(owner, input))
      expect({ code: error.code, message: error.message, issues: error.issues }).toEqual({ code: 'BAD_REQUEST', message: issue.message, issues: [issue] })
    }
  })
})

/** The same through the typed API, as a door app would call it. */
describeEachDatabase('tickets.checkIn through the typed API', (kind) => {
  const { server, database } = useTestServer(kind, {}, { now: () => NOW })

  it('checks in for the organizer, says so again on a second call, and is NOT_FOUND for anyone else', async () => {
    const organizer = await signUp(server, 'organizer')
    const publisher: TestUser = { id: organizer.id, email: organizer.email, claims: { role: 'authenticated', sub: organizer.id } }
    const { event, tiers } = await eventWithTiers(database.db, [{ name: 'General' }], {}, publisher)
    const placed = await apiClient(server.url).orders.place.mutate({ eventId: event.id, items: [{ tierId: tiers[0]!.id, quantity: 1 }], buyer })
    const [ticket] = await asServiceRole(database.db, (tx) => tx.select().from(schema.tickets).where(eq(schema.tickets.orderId, placed.orderId)))
    const code = ticket!.code

    const stranger = await signUp(server, 'stranger')
    const refused = await failureOf(stranger.api.tickets.checkIn.mutate({ eventId: event.id, code }))
    expect({ code: refused.data?.code, httpStatus: refused.data?.httpStatus, message: refused.message }).toEqual({
      code: 'NOT_FOUND',
      httpStatus: 404,
      message: NO_SUCH_TICKET,
    })
    expect((await failureOf(apiClient(server.url).tickets.checkIn.mutate({ eventId: event.id, code }))).data?.code).toBe('UNAUTHORIZED')

    expect(await organizer.api.tickets.checkIn.mutate({ eventId: event.id, code: code.toLowerCase() })).toMatchObject({
      admitted: true,
      holderName: buyer.name,
      tierName: 'General',
      checkedInAt: NOW,
    })
    expect(await organizer.api.tickets.checkIn.mutate({ eventId: event.id, code })).toMatchObject({
      admitted: false,
      alreadyCheckedIn: true,
      checkedInAt: NOW,
      checkedInBy: { userId: organizer.id, email: organizer.email },
    })
  })

  it("the check-in page is for the event's people only: 404 for anyone else, sign-in for a visitor", async () => {
    const organizer = await signUp(server, 'organizer')
    const publisher: TestUser = { id: organizer.id, email: organizer.email, claims: { role: 'authenticated', sub: organizer.id } }
    const { event, tiers } = await eventWithTiers(database.db, [{ name: 'General' }], {}, publisher)
    const placed = await apiClient(server.url).orders.place.mutate({ eventId: event.id, items: [{ tierId: tiers[0]!.id, quantity: 1 }], buyer })
    const [ticket] = await asServiceRole(database.db, (tx) => tx.select().from(schema.tickets).where(eq(schema.tickets.orderId, placed.orderId)))
    const path = `/events/${event.id}/check-in`
    const get = (to: string, cookie?: string) => fetch(`${server.url}${to}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' })

    const stranger = await signUp(server, 'stranger')
    const strangerCookie = await browserCookie(server, stranger.email)
    expect((await get(path, strangerCookie)).status).toBe(404)
    expect((await postForm(server, path, { code: ticket!.code }, { cookie: strangerCookie })).status).toBe(404)
    expect((await ticketRow(database, ticket!.code)).checkedInAt).toBeNull()

    const visitor = await get(path)
    expect(visitor.status).toBe(302)
    expect(visitor.headers.get('location')).toBe(`/sign-in?${new URLSearchParams({ redirectTo: path })}`)

    const cookie = await browserCookie(server, organizer.email)
    expect((await get('/events/not-an-event/check-in', cookie)).status).toBe(404)
    const page = await get(path, cookie)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('Ticket code')
    const posted = await postForm(server, path, { code: ticket!.code }, { cookie })
    expect(posted.status).toBe(200)
    expect(await posted.text()).toContain('✓ Admitted')
    expect((await ticketRow(database, ticket!.code)).checkedInBy).toBe(organizer.id)
  })

  it('answers bad input with BAD_REQUEST and field issues', async () => {
    const organizer = await signUp(server, 'organizer')
    const error = await failureOf(organizer.api.tickets.checkIn.mutate({ eventId: 'nope', code: '  ' }))
    expect(error.data?.code).toBe('BAD_REQUEST')
    expect(error.data?.issues).toEqual([
      { path: 'eventId', message: 'Give the id of an event.' },
      { path: 'code', message: 'Type or scan a ticket code.' },
    ])
  })
})

describe('ticket codes as typed', () => {
  it.each([
    ['abcd-efgh-jkmn-pqrs', 'ABCDEFGHJKMNPQRS'],
    ['  ABCD EFGH\tJKMN\nPQRS ', 'ABCDEFGHJKMNPQRS'],
  ])('%j is read as %s', (typed, stored) => {
    expect(normaliseTicketCode(typed)).toBe(stored)
  })
})
