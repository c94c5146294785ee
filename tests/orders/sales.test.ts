import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { DomainError } from '../../server/errors'
import { attendeeBatches, eventAttendees } from '../../server/orders/attendees'
import { attendeesCsv } from '../../server/orders/attendees-csv'
import { csvCell, csvLine } from '../../server/orders/csv'
import { placeOrder } from '../../server/orders/place-order'
import { eventSales } from '../../server/orders/sales'
import { EventAttendeesInputSchema } from '../../server/orders/schemas'
import { describeEachDatabase, openTestDatabase, type TestDatabase } from '../support/databases'
import { createOrganization, createUser, type TestUser } from '../support/fixtures'
import { recordOrder } from './sales-support'
import { eventWithTiers, orderDeps } from './support'

/** The domain error a call failed with; fails the test if it succeeded. */
async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`)
  return error
}

const attendeesInput = (eventId: string, more: Omit<z.input<typeof EventAttendeesInputSchema>, 'eventId'> = {}) =>
  EventAttendeesInputSchema.parse({ eventId, ...more })

/** Every batch of an export; a cursor that never moved on would repeat batches, so it fails instead of hanging. */
async function allBatches(batches: AsyncGenerator<unknown[]>) {
  const seen: unknown[][] = []
  for await (const batch of batches) {
    seen.push(batch)
    if (seen.length > 50) throw new Error('the export never ends')
  }
  return seen
}

describe('CSV cells', () => {
  it('quotes what needs quoting, doubles quotes, and keeps formulas from running', () => {
    expect(csvCell('Ada Lovelace')).toBe('Ada Lovelace')
    expect(csvCell('Lovelace, Ada')).toBe('"Lovelace, Ada"')
    expect(csvCell('Ada "Countess" Lovelace')).toBe('"Ada ""Countess"" Lovelace"')
    expect(csvCell('line one\nline two')).toBe('"line one\nline two"')
    expect(csvCell('carriage\rreturn')).toBe('"carriage\rreturn"')
    expect(csvCell('=HYPERLINK("https://evil.example","click")')).toBe(`"'=HYPERLINK(""https://evil.example"",""click"")"`)
    for (const formula of ['+1+1', '-2+3', '@SUM(A1:A2)', '\t=1', '\r=1']) expect(csvCell(formula).replace(/^"/, '')).toMatch(/^'/)
    expect(csvCell('Ada=Lovelace')).toBe('Ada=Lovelace')
    expect(csvCell(null)).toBe('')
    expect(csvCell(-5)).toBe('-5')
    expect(csvLine(['a', 'b,c', null])).toBe('a,"b,c",\r\n')
  })
})

describeEachDatabase("an event's sales and attendees, for its people", (kind) => {
  let database: TestDatabase
  beforeAll(async () => {
    database = await openTestDatabase(kind)
  })
  afterAll(() => database.close())
  const deps = () => orderDeps(database.db)

  it('counts seats per tier by order status, money per currency (gross, fee, net, refunded) and orders by status', async () => {
    const { event, tiers, publisher } = await eventWithTiers(database.db, [
      { name: 'General' },
      { name: 'VIP', price: 5000, quantity: 10 },
      { name: 'Overseas', price: 3000, currency: 'USD', quantity: 20 },
      { name: 'Press', hidden: true, quantity: 5 },
    ])
    const [general, vip, overseas] = tiers
    // Another event of the same publisher, whose orders must not count here.
    const other = await eventWithTiers(database.db, [{ name: 'Elsewhere', price: 900 }], {}, publisher)
    await recordOrder(database.db, other.event.id, { status: 'confirmed', lines: [{ tier: other.tiers[0]!, quantity: 4 }], fee: 100 })

    await placeOrder(deps(), { eventId: event.id, items: [{ tierId: general!.id, quantity: 3 }], buyer: { name: 'Ada', email: 'ada@example.test' } })
    await recordOrder(database.db, event.id, { status: 'confirmed', lines: [{ tier: vip!, quantity: 2 }], fee: 500 })
    await recordOrder(database.db, event.id, { status: 'pending', lines: [{ tier: vip!, quantity: 1 }] })
    await recordOrder(database.db, event.id, { status: 'refunded', lines: [{ tier: vip!, quantity: 1 }], fee: 250 })
    await recordOrder(database.db, event.id, { status: 'expired', lines: [{ tier: vip!, quantity: 3 }] })
    await recordOrder(database.db, event.id, { status: 'cancelled', lines: [{ tier: general!, quantity: 2 }] })
    await recordOrder(database.db, event.id, { status: 'confirmed', lines: [{ tier: overseas!, quantity: 1 }], fee: 150 })

    const sales = await eventSales(deps(), publisher.claims, event.id)
    expect(sales.event).toMatchObject({ id: event.id, title: event.title, slug: event.slug, status: 'published', capacity: null, reserved: 7 })
    expect(
      sales.tiers.map(({ name, price, currency, quantity, sold, held, left, hidden }) => ({ name, price, currency, quantity, sold, held, left, hidden })),
    ).toEqual([
      { name: 'General', price: 0, currency: 'EUR', quantity: 100, sold: 3, held: 0, left: 97, hidden: false },
      { name: 'VIP', price: 5000, currency: 'EUR', quantity: 10, sold: 2, held: 1, left: 7, hidden: false },
      { name: 'Overseas', price: 3000, currency: 'USD', quantity: 20, sold: 1, held: 0, left: 19, hidden: false },
      { name: 'Press', price: 0, currency: 'EUR', quantity: 5, sold: 0, held: 0, left: 5, hidden: true },
    ])
    expect(sales.tiers.every((tier) => tier.saleState === 'on_sale')).toBe(true)
    expect(sales.totals).toEqual({ sold: 6, held: 1, left: 128, capacity: null })
    expect(sales.revenue).toEqual([
      { currency: 'EUR', gross: 10_000, fee: 500, net: 9_500, refunded: 5_000 },
      { currency: 'USD', gross: 3_000, fee: 150, net: 2_850, refunded: 0 },
    ])
    expect(sales.orders).toEqual({ pending: 1, confirmed: 3, expired: 1, cancelled: 1, refunded: 1 })
  })

  it('leaves no more seats in a tier than the event has left, and says when a tier sells', async () => {
    const { event, tiers, publisher } = await eventWithTiers(
      database.db,
      [
        { name: 'Floor', quantity: 50 },
        { name: 'Early', quantity: 50, salesStart: new Date('2030-08-01T00:00:00Z'), salesEnd: new Date('2030-08-15T00:00:00Z') },
      ],
      { capacity: 8 },
    )
    await recordOrder(database.db, event.id, { status: 'confirmed', lines: [{ tier: tiers[0]!, quantity: 6 }] })
    const sales = await eventSales(deps(), publisher.claims, event.id)
    expect(sales.tiers.map(({ name, sold, left, saleState }) => ({ name, sold, left, saleState }))).toEqual([
      { name: 'Floor', sold: 6, left: 2, saleState: 'on_sale' },
      { name: 'Early', sold: 0, left: 2, saleState: 'closed' },
    ])
    expect(sales.totals).toMatchObject({ sold: 6, left: 2, capacity: 8 })
    expect(sales.revenue).toEqual([{ currency: 'EUR', gross: 0, fee: 0, net: 0, refunded: 0 }])
  })

  describe('who may read them', () => {
    let event: { id: string }
    let people: Record<'publisher' | 'owner' | 'member' | 'stranger' | 'buyer' | 'otherOrganizer', TestUser>
    beforeAll(async () => {
      const [publisher, owner, member, stranger, buyer, otherOrganizer] = await Promise.all(
        ['publisher', 'owner', 'member', 'stranger', 'buyer', 'other'].map((label) => createUser(database.db, label)),
      )
      people = { publisher: publisher!, owner: owner!, member: member!, stranger: stranger!, buyer: buyer!, otherOrganizer: otherOrganizer! }
      const organization = await createOrganization(database.db, people.owner, [
        { user: people.publisher, role: 'admin' },
        { user: people.member, role: 'member' },
      ])
      const created = await eventWithTiers(database.db, [{ name: 'General' }], { organizationId: organization.id }, people.publisher)
      event = created.event
      // The buyer reads their own order under RLS, and still not the event's sales.
      await placeOrder(
        deps(),
        { eventId: event.id, items: [{ tierId: created.tiers[0]!.id, quantity: 2 }], buyer: { name: 'Bea', email: people.buyer.email } },
        { buyerUserId: people.buyer.id },
      )
      // An organizer with sales of their own sees none of this event's.
      const theirs = await eventWithTiers(database.db, [{ name: 'Theirs' }], {}, people.otherOrganizer)
      await recordOrder(database.db, theirs.event.id, { status: 'confirmed', lines: [{ tier: theirs.tiers[0]!, quantity: 1 }] })
    })

    it("the publisher and every member of the event's organization", async () => {
      for (const reader of [people.publisher, people.owner, people.member]) {
        expect((await eventSales(deps(), reader.claims, event.id)).totals.sold).toBe(2)
        const page = await eventAttendees(deps(), reader.claims, attendeesInput(event.id))
        expect(page.attendees.map((attendee) => attendee.buyerEmail)).toEqual([people.buyer.email, people.buyer.email])
        expect((await allBatches(attendeeBatches(deps(), reader.claims, event.id))).flat()).toHaveLength(2)
      }
    })

    it('nobody else: NOT_FOUND, as for an event that does not exist', async () => {
      const missing = '00000000-0000-4000-8000-000000000000'
      for (const reader of [people.stranger, people.buyer, people.otherOrganizer]) {
        for (const eventId of [event.id, missing]) {
          expect(await refusal(eventSales(deps(), reader.claims, eventId))).toMatchObject({ code: 'NOT_FOUND', message: 'This event was not found.' })
          expect(await refusal(eventAttendees(deps(), reader.claims, attendeesInput(eventId)))).toMatchObject({ code: 'NOT_FOUND' })
          expect(await refusal(allBatches(attendeeBatches(deps(), reader.claims, eventId)))).toMatchObject({ code: 'NOT_FOUND' })
        }
      }
    })
  })

  describe('attendees', () => {
    let eventId: string
    let publisher: TestUser
    let codes: string[]
    beforeAll(async () => {
      const created = await eventWithTiers(database.db, [{ name: 'General' }, { name: 'VIP', price: 2500 }])
      eventId = created.event.id
      publisher = created.publisher
      const [general, vip] = created.tiers
      const orders = [
        await recordOrder(database.db, eventId, {
          status: 'confirmed',
          lines: [{ tier: general!, quantity: 1 }],
          buyer: { name: 'Grace Hopper', email: 'grace@navy.example' },
        }),
        await recordOrder(database.db, eventId, {
          status: 'confirmed',
          lines: [{ tier: vip!, quantity: 2 }],
          buyer: { name: '100% Ada', email: 'ada_l@example.test' },
          holders: ['Ada Lovelace', 'Charles Babbage'],
        }),
        await recordOrder(database.db, eventId, {
          status: 'refunded',
          lines: [{ tier: vip!, quantity: 1 }],
          buyer: { name: 'Alan Turing', email: 'alan@example.test' },
        }),
        await recordOrder(database.db, eventId, {
          status: 'pending',
          lines: [{ tier: vip!, quantity: 1 }],
          buyer: { name: 'Waiting Buyer', email: 'wait@example.test' },
        }),
        await recordOrder(database.db, eventId, {
          status: 'confirmed',
          lines: [{ tier: general!, quantity: 26 }],
          buyer: { name: 'Big Group', email: 'group@example.test' },
        }),
      ]
      codes = orders.flatMap((order) => order.codes)
    })
    const search = (text: string) => eventAttendees(orderDeps(database.db), publisher.claims, attendeesInput(eventId, { search: text, limit: 100 }))

    it('lists one row per ticket (void ones too, none for an order waiting for payment) with holder, buyer, tier and statuses', async () => {
      const page = await eventAttendees(deps(), publisher.claims, attendeesInput(eventId, { limit: 100 }))
      expect(page.total).toBe(30)
      expect(page.attendees.map((attendee) => attendee.code).sort()).toEqual([...codes].sort())
      expect(page.attendees.filter((attendee) => attendee.buyerName === 'Waiting Buyer')).toEqual([])
      expect(page.attendees.find((attendee) => attendee.buyerName === 'Alan Turing')).toMatchObject({
        ticketStatus: 'void',
        orderStatus: 'refunded',
        tierName: 'VIP',
      })
      expect(
        page.attendees
          .filter((attendee) => attendee.buyerName === '100% Ada')
          .map((attendee) => attendee.holderName)
          .sort(),
      ).toEqual(['Ada Lovelace', 'Charles Babbage'])
      expect(page.attendees[0]).toEqual({
        ticketId: expect.any(String),
        code: expect.stringMatching(/^[A-Z2-9]{16}$/),
        holderName: 'Grace Hopper',
        ticketStatus: 'valid',
        checkedInAt: null,
        tierName: 'General',
        orderId: expect.any(String),
        orderStatus: 'confirmed',
        buyerName: 'Grace Hopper',
        buyerEmail: 'grace@navy.example',
        orderedAt: expect.any(Date),
      })
    })

    it('finds by holder, buyer, e-mail or code, in any case; % and _ match only themselves', async () => {
      const holders = async (text: string) => (await search(text)).attendees.map((attendee) => attendee.holderName).sort()
      expect(await holders('babbage')).toEqual(['Charles Babbage'])
      expect(await holders('  GRACE  ')).toEqual(['Grace Hopper'])
      expect(await holders('NAVY.example')).toEqual(['Grace Hopper'])
      expect(await holders('100%')).toEqual(['Ada Lovelace', 'Charles Babbage'])
      expect(await holders('%')).toEqual(['Ada Lovelace', 'Charles Babbage'])
      expect(await holders('ada_l')).toEqual(['Ada Lovelace', 'Charles Babbage'])
      // An underscore that matched any character would find "ada@…" or "adaXl…" rows; a backslash is literal too.
      expect(await holders('a_a')).toEqual([])
      expect(await holders('\\')).toEqual([])
      expect(await holders('turing')).toEqual(['Alan Turing'])
      expect(await holders(codes[0]!.toLowerCase())).toEqual(['Grace Hopper'])
      expect((await search('nobody')).total).toBe(0)
      expect((await search('')).total).toBe(30)
    })

    it('pages in issue order with a total, each ticket once; past the last page, nothing', async () => {
      const page = (number: number) => eventAttendees(deps(), publisher.claims, attendeesInput(eventId, { page: number }))
      const [first, second, third] = await Promise.all([page(1), page(2), page(3)])
      expect(first).toMatchObject({ total: 30, page: 1, pageSize: 25, pageCount: 2 })
      expect(first.attendees).toHaveLength(25)
      expect(second.attendees).toHaveLength(5)
      expect(third.attendees).toEqual([])
      const all = await eventAttendees(deps(), publisher.claims, attendeesInput(eventId, { limit: 100 }))
      expect([...first.attendees, ...second.attendees].map((attendee) => attendee.ticketId)).toEqual(all.attendees.map((attendee) => attendee.ticketId))
      // The issue order: the first order's ticket first, the big group's last.
      expect(all.attendees[0]!.buyerName).toBe('Grace Hopper')
      expect(all.attendees.at(-1)!.buyerName).toBe('Big Group')
      const searched = await eventAttendees(deps(), publisher.claims, attendeesInput(eventId, { search: 'group', limit: 10, page: 3 }))
      expect(searched).toMatchObject({ total: 26, pageCount: 3, search: 'group' })
      expect(searched.attendees).toHaveLength(6)
    })

    it('exports batch by batch, each ticket once in the same order, even when tickets differ by microseconds only', async () => {
      const created = await eventWithTiers(database.db, [{ name: 'General' }])
      const tier = created.tiers[0]!
      // Three orders within one millisecond: a cursor cut to milliseconds would skip or repeat them.
      for (const [index, at] of ['2030-09-01 12:00:00.000100+00', '2030-09-01 12:00:00.000200+00', '2030-09-01 12:00:00.000300+00'].entries()) {
        await recordOrder(database.db, created.event.id, {
          status: 'confirmed',
          lines: [{ tier, quantity: 3 }],
          buyer: { name: `Buyer ${index}`, email: `b${index}@example.test` },
          issuedAt: at,
        })
      }
      const batches = await allBatches(attendeeBatches(deps(), created.publisher.claims, created.event.id, 2))
      expect(batches.map((batch) => batch.length)).toEqual([2, 2, 2, 2, 1])
      const exported = batches.flat() as { ticketId: string; buyerName: string }[]
      const listed = await eventAttendees(deps(), created.publisher.claims, attendeesInput(created.event.id))
      expect(exported.map((row) => row.ticketId)).toEqual(listed.attendees.map((row) => row.ticketId))
      expect(exported.map((row) => row.buyerName)).toEqual(['Buyer 0', 'Buyer 0', 'Buyer 0', 'Buyer 1', 'Buyer 1', 'Buyer 1', 'Buyer 2', 'Buyer 2', 'Buyer 2'])
    })

    it('writes the CSV: a header, a line per ticket, fields escaped, formulas defused, times in the event zone', async () => {
      const created = await eventWithTiers(database.db, [{ name: 'Front row, left' }], { timezone: 'Europe/Paris' })
      const tier = created.tiers[0]!
      const tricky = await recordOrder(database.db, created.event.id, {
        status: 'confirmed',
        lines: [{ tier, quantity: 3 }],
        buyer: { name: '=HYPERLINK("https://evil.example","x")', email: 'eve@example.test' },
        holders: ['Lovelace, "Ada"', 'Line\nBreak', '@SUM(A1)'],
        issuedAt: '2030-09-01 12:00:00+00',
      })
      // Decoded keeping the byte order mark, which TextDecoder and Response.text() drop by default.
      const bytes = await new Response(attendeesCsv(deps(), created.publisher.claims, { id: created.event.id, timezone: 'Europe/Paris' })).arrayBuffer()
      const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)
      expect(text.startsWith('\uFEFF')).toBe(true)
      const lines = text.slice(1).split('\r\n')
      expect(lines[0]).toBe(
        'Ticket code,Attendee,Ticket type,Ticket status,Checked in at (Europe/Paris),Buyer,Buyer e-mail,Order,Order status,Ordered at (Europe/Paris)',
      )
      expect(text.endsWith('\r\n')).toBe(true)
      const rows = text.slice(1).trimEnd()
      const buyer = `"'=HYPERLINK(""https://evil.example"",""x"")"`
      expect(rows).toContain(`"Front row, left",valid,,${buyer},eve@example.test,${tricky.orderId},confirmed,`)
      expect(rows).toContain(`,"Lovelace, ""Ada""","Front row, left",`)
      expect(rows).toContain(`,"Line\nBreak","Front row, left",`)
      expect(rows).toContain(`,'@SUM(A1),"Front row, left",`)
      for (const code of tricky.codes) expect(rows).toContain(`${code},`)
      // The header and three tickets; the line break inside a quoted field is a bare \n, not a row's CRLF.
      expect(lines.filter(Boolean)).toHaveLength(4)
      expect(rows).toMatch(/confirmed,\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)
    })

    it('a CSV for someone who is not one of its people fails before any row', async () => {
      const stranger = await createUser(database.db, 'stranger')
      const reader = attendeesCsv(deps(), stranger.claims, { id: eventId, timezone: 'UTC' }).getReader()
      const header = new TextDecoder('utf-8', { ignoreBOM: true }).decode((await reader.read()).value)
      expect(header).toMatch(/^\uFEFFTicket code,/)
      expect(await refusal(reader.read())).toMatchObject({ code: 'NOT_FOUND' })
    })
  })

  it('refuses bad input with a message per field', () => {
    const issues = (input: unknown) => EventAttendeesInputSchema.safeParse(input).error?.issues.map((issue) => [issue.path.join('.'), issue.message])
    const eventId = '00000000-0000-4000-8000-000000000000'
    expect(issues({ eventId: 'not-a-uuid' })).toEqual([['eventId', 'Give the id of an event.']])
    expect(issues({ eventId, limit: 0 })).toEqual([['limit', 'Ask for at least one attendee.']])
    expect(issues({ eventId, limit: 101 })).toEqual([['limit', 'Ask for at most 100 attendees a page.']])
    expect(issues({ eventId, page: 0 })).toEqual([['page', 'Pages are numbered from 1.']])
    expect(issues({ eventId, page: 1.5 })).toEqual([['page', 'Give a page number.']])
    expect(issues({ eventId, search: 'x'.repeat(101) })).toEqual([['search', 'Search with at most 100 characters.']])
    expect(issues({ eventId, search: 'a\u0000b' })?.[0]?.[0]).toBe('search')
  })
})
