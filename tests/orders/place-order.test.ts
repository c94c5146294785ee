import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DomainError } from '../../server/errors'
import { hashAccessKey } from '../../server/orders/access-keys'
import { placeOrder } from '../../server/orders/place-order'
import { getOrder, myOrders } from '../../server/orders/read-order'
import type { PlaceOrderInput } from '../../server/orders/schemas'
import { describeEachDatabase, openTestDatabase, type TestDatabase } from '../support/databases'
import { createOrganization, createUser } from '../support/fixtures'
import { eventWithTiers, orderDeps, salesOf } from './support'

const buyer = { name: 'Ada Lovelace', email: 'ada@example.test' }

/** The domain error a call failed with; fails the test if it succeeded. */
async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`)
  return error
}

describeEachDatabase('placing an order', (kind) => {
  let database: TestDatabase
  beforeAll(async () => {
    database = await openTestDatabase(kind)
  })
  afterAll(() => database.close())
  const deps = () => orderDeps(database.db)
  const order = (eventId: string, items: PlaceOrderInput['items'], who = buyer): PlaceOrderInput => ({ eventId, items, buyer: who })

  it('confirms a free order at once: seats counted, one ticket per seat with a unique code, the e-mail queued', async () => {
    const { event, tiers } = await eventWithTiers(database.db, [{ name: 'General' }, { name: 'Standing' }])
    const placed = await placeOrder(
      deps(),
      order(event.id, [
        { tierId: tiers[0]!.id, quantity: 3 },
        { tierId: tiers[1]!.id, quantity: 1 },
      ]),
    )
    expect(placed).toMatchObject({ status: 'confirmed', checkoutUrl: null })
    const sales = await salesOf(database.db, event.id)
    expect(sales.reserved).toBe(4)
    expect(Object.fromEntries(sales.tiers.map((tier) => [tier.id, tier.reserved]))).toEqual({ [tiers[0]!.id]: 3, [tiers[1]!.id]: 1 })
    expect(sales.tickets).toHaveLength(4)
    expect(new Set(sales.tickets.map((ticket) => ticket.code)).size).toBe(4)
    for (const ticket of sales.tickets) expect(ticket.code).toMatch(/^[A-Z2-9]{16}$/)
    expect(sales.orders).toHaveLength(1)
    // Only the key's hash is stored.
    expect(sales.orders[0]).toMatchObject({ status: 'confirmed', total: 0, accessKeyHash: hashAccessKey(placed.accessKey) })
    expect(JSON.stringify(sales.orders[0])).not.toContain(placed.accessKey)
    expect(sales.emails).toEqual([
      expect.objectContaining({ recipient: buyer.email, template: 'order-confirmation', status: 'pending', payload: { orderId: placed.orderId } }),
    ])
  })

  describe('refuses what the rules forbid, with a clear message, and writes nothing', () => {
    const cases: {
      name: string
      tiers: Parameters<typeof eventWithTiers>[1]
      event?: Parameters<typeof eventWithTiers>[2]
      items: (tierIds: string[]) => PlaceOrderInput['items']
      code: DomainError['code']
      message: RegExp
    }[] = [
      {
        name: 'a tier not on sale yet',
        tiers: [{ name: 'Early', salesStart: new Date('2030-09-10T00:00:00Z'), salesEnd: new Date('2030-09-20T00:00:00Z') }],
        items: ([id]) => [{ tierId: id!, quantity: 1 }],
        code: 'PRECONDITION_FAILED',
        message: /“Early” is not on sale yet/,
      },
      {
        name: 'a tier whose sales ended',
        tiers: [{ name: 'Early', salesStart: new Date('2030-08-01T00:00:00Z'), salesEnd: new Date('2030-08-31T00:00:00Z') }],
        items: ([id]) => [{ tierId: id!, quantity: 1 }],
        code: 'PRECONDITION_FAILED',
        message: /Sales of “Early” have closed/,
      },
      {
        name: 'an event that has started (sales close at the start by default)',
        tiers: [{ name: 'Door' }],
        event: { startsAt: new Date('2030-09-01T11:00:00Z'), endsAt: new Date('2030-09-01T20:00:00Z') },
        items: ([id]) => [{ tierId: id!, quantity: 1 }],
        code: 'PRECONDITION_FAILED',
        message: /Sales of “Door” have closed/,
      },
      {
        name: 'an event that is over',
        tiers: [{ name: 'Door', salesEnd: new Date('2030-08-31T11:00:00Z') }],
        event: { startsAt: new Date('2030-08-31T10:00:00Z'), endsAt: new Date('2030-08-31T12:00:00Z') },
        items: ([id]) => [{ tierId: id!, quantity: 1 }],
        code: 'PRECONDITION_FAILED',
        message: /This event is over/,
      },
      {
        name: 'an unpublished event',
        tiers: [{ name: 'General' }],
        event: { status: 'unpublished' },
        items: ([id]) => [{ tierId: id!, quantity: 1 }],
        code: 'NOT_FOUND',
        message: /This event was not found/,
      },
      {
        name: 'a hidden tier',
        tiers: [{ name: 'Press', hidden: true }],
        items: ([id]) => [{ tierId: id!, quantity: 1 }],
        code: 'BAD_REQUEST',
        message: /This ticket type is not available/,
      },
      {
        name: 'a tier of another event',
        tiers: [{ name: 'General' }],
        items: () => [{ tierId: '00000000-0000-4000-8000-000000000000', quantity: 1 }],
        code: 'BAD_REQUEST',
        message: /This ticket type is not available/,
      },
      {
        name: 'fewer than the minimum per order',
        tiers: [{ name: 'Table', minPerOrder: 4, maxPerOrder: 8 }],
        items: ([id]) => [{ tierId: id!, quantity: 2 }],
        code: 'BAD_REQUEST',
        message: /Choose at least 4 “Table” tickets/,
      },
      {
        name: 'more than the maximum per order',
        tiers: [{ name: 'VIP', maxPerOrder: 2 }],
        items: ([id]) => [{ tierId: id!, quantity: 3 }],
        code: 'BAD_REQUEST',
        message: /Choose at most 2 “VIP” tickets/,
      },
      {
        name: 'more than 50 tickets in one order',
        tiers: [{ name: 'A' }, { name: 'B' }],
        items: ([a, b]) => [
          { tierId: a!, quantity: 30 },
          { tierId: b!, quantity: 21 },
        ],
        code: 'BAD_REQUEST',
        message: /at most 50 tickets/,
      },
      {
        name: 'tiers in two currencies',
        tiers: [{ name: 'Euro' }, { name: 'Dollar', currency: 'USD' }],
        items: ([a, b]) => [
          { tierId: a!, quantity: 1 },
          { tierId: b!, quantity: 1 },
        ],
        code: 'BAD_REQUEST',
        message: /one currency/,
      },
      {
        name: 'a paid tier of an event without payments',
        tiers: [{ name: 'Seat', price: 2500 }],
        items: ([id]) => [{ tierId: id!, quantity: 1 }],
        code: 'PRECONDITION_FAILED',
        message: /“Seat” cannot be bought: this event does not take payments/,
      },
      {
        name: 'a paid tier on a server without Stripe keys',
        tiers: [{ name: 'Seat', price: 2500 }],
        event: { paymentEnabled: true },
        items: ([id]) => [{ tierId: id!, quantity: 1 }],
        code: 'PRECONDITION_FAILED',
        message: /“Seat” cannot be bought online: payments are not configured on this server/,
      },
      {
        name: 'more seats than a tier has left',
        tiers: [{ name: 'Front row', quantity: 2 }],
        items: ([id]) => [{ tierId: id!, quantity: 3 }],
        code: 'CONFLICT',
        message: /Sold out: not enough “Front row” tickets are left/,
      },
      {
        name: 'more seats than the event has left',
        tiers: [{ name: 'Floor', quantity: 10 }],
        event: { capacity: 2 },
        items: ([id]) => [{ tierId: id!, quantity: 3 }],
        code: 'CONFLICT',
        message: /Sold out: the event has no more seats \(“Floor”\)/,
      },
    ]

    for (const c of cases) {
      it(c.name, async () => {
        const { event, tiers } = await eventWithTiers(database.db, c.tiers, c.event)
        const error = await refusal(placeOrder(deps(), order(event.id, c.items(tiers.map((tier) => tier.id)))))
        expect(error.code).toBe(c.code)
        expect(error.message).toMatch(c.message)
        const sales = await salesOf(database.db, event.id)
        expect(sales).toMatchObject({ reserved: 0, orders: [], tickets: [], emails: [] })
        expect(sales.tiers.every((tier) => tier.reserved === 0)).toBe(true)
      })
    }
  })

  it('gives the same order to a retry with the same Idempotency-Key, and refuses the key for another buyer', async () => {
    const { event, tiers } = await eventWithTiers(database.db, [{ name: 'General' }])
    const input = order(event.id, [{ tierId: tiers[0]!.id, quantity: 2 }])
    const [first, second, third] = await Promise.all([1, 2, 3].map(() => placeOrder(deps(), input, { idempotencyKey: 'retry-1' })))
    expect(second).toEqual(first)
    expect(third).toEqual(first)
    const sales = await salesOf(database.db, event.id)
    expect({ orders: sales.orders.length, tickets: sales.tickets.length, reserved: sales.reserved }).toEqual({ orders: 1, tickets: 2, reserved: 2 })

    const stranger = await refusal(placeOrder(deps(), order(event.id, input.items, { name: 'Eve', email: 'eve@example.test' }), { idempotencyKey: 'retry-1' }))
    expect(stranger).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/already used/) })
  })

  describe('reading an order', () => {
    it('by its key or the cookie key, compared with the stored hash; a wrong key finds nothing', async () => {
      const { event, tiers } = await eventWithTiers(database.db, [{ name: 'General' }], { venueMode: 'hybrid' })
      const placed = await placeOrder(deps(), order(event.id, [{ tierId: tiers[0]!.id, quantity: 2 }]))
      for (const access of [{ accessKey: placed.accessKey }, { cookieKey: placed.accessKey }]) {
        const view = await getOrder(deps(), { orderId: placed.orderId, ...access })
        expect(view).toMatchObject({ id: placed.orderId, status: 'confirmed', onlineUrl: 'https://meet.example.test/secret-room' })
        expect(view.tickets).toHaveLength(2)
      }
      for (const access of [{}, { accessKey: `${placed.accessKey}x` }, { accessKey: 'a'.repeat(43) }]) {
        expect(await refusal(getOrder(deps(), { orderId: placed.orderId, ...access }))).toMatchObject({ code: 'NOT_FOUND' })
      }
    })

    it('of a physical event never carries a meeting link', async () => {
      const { event, tiers } = await eventWithTiers(database.db, [{ name: 'General' }], { venueMode: 'physical' })
      const placed = await placeOrder(deps(), order(event.id, [{ tierId: tiers[0]!.id, quantity: 1 }]))
      expect((await getOrder(deps(), { orderId: placed.orderId, accessKey: placed.accessKey })).onlineUrl).toBeNull()
    })

    it("by account: the buyer and the event's organization read it, the organizer of another event does not", async () => {
      const signedInBuyer = await createUser(database.db, 'buyer')
      const publisher = await createUser(database.db, 'publisher')
      const member = await createUser(database.db, 'member')
      const otherOrganizer = await createUser(database.db, 'other')
      const organization = await createOrganization(database.db, publisher, [{ user: member, role: 'member' }])
      const { event, tiers } = await eventWithTiers(database.db, [{ name: 'General' }], { organizationId: organization.id }, publisher)
      await eventWithTiers(database.db, [{ name: 'Theirs' }], {}, otherOrganizer)
      const placed = await placeOrder(deps(), order(event.id, [{ tierId: tiers[0]!.id, quantity: 1 }]), { buyerUserId: signedInBuyer.id })

      for (const reader of [signedInBuyer, publisher, member]) {
        expect(await getOrder(deps(), { orderId: placed.orderId, claims: reader.claims })).toMatchObject({ buyerEmail: buyer.email })
      }
      expect(await refusal(getOrder(deps(), { orderId: placed.orderId, claims: otherOrganizer.claims }))).toMatchObject({ code: 'NOT_FOUND' })
      expect((await myOrders(deps(), signedInBuyer.claims)).map((mine) => mine.id)).toEqual([placed.orderId])
      expect(await myOrders(deps(), otherOrganizer.claims)).toEqual([])
    })
  })
})
