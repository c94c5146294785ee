import { randomBytes } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { asServiceRole } from '../../db/rls'
import * as schema from '../../db/schema'
import { sweepExpiredHolds } from '../../server/orders/hold-sweeper'
import { describeEachDatabase } from '../support/databases'
import { type FakeStripe, fakeAccount, startFakeStripe, verifiedAccount } from '../support/fake-stripe'
import { createOrganization, createUser, type TestUser } from '../support/fixtures'
import { apiClient, failureOf, signTestToken, useTestServer } from '../support/server'
import { deliver, signed, stripeEnv, stripeEvent, WEBHOOK_SECRET } from '../support/stripe-webhooks'
import { eventWithTiers, salesOf } from './support'

/** The platform endpoint's secret, beside the Connect endpoint's (WEBHOOK_SECRET): both are accepted. */
const PLATFORM_SECRET = 'whsec_event_wizard_platform_endpoint'
const HOUR = 3_600_000

/*
 * Paid orders with the real `stripe` client against the local Stripe stand-in: a hold and a Checkout
 * Session with a destination charge, confirmed once by its webhook however delivered, holds released
 * exactly once (expiry webhook, sweeper, failed Checkout, the organizer), late payments re-seated or
 * refunded, and the organizer's refunds.
 */
describeEachDatabase('paid orders', (kind) => {
  let fake: FakeStripe
  beforeAll(async () => {
    fake = await startFakeStripe()
  })
  afterAll(() => fake?.close())
  const { server, database } = useTestServer(kind, () => ({
    ...stripeEnv(fake),
    STRIPE_WEBHOOK_SECRET: `${WEBHOOK_SECRET},${PLATFORM_SECRET}`,
    PLATFORM_FEE_BPS: '250',
  }))

  /** A published paid event whose organizer's Stripe account can take charges (or not). */
  async function paidEvent(options: { quantity?: number; chargesEnabled?: boolean; organization?: { id: string }; publisher?: TestUser } = {}) {
    const publisher = options.publisher ?? (await createUser(database.db, 'seller'))
    const accountId = `acct_${randomBytes(8).toString('hex')}`
    const account = fakeAccount(accountId)
    fake.accounts.set(accountId, options.chargesEnabled === false ? account : verifiedAccount(account))
    await asServiceRole(database.db, (tx) =>
      tx.insert(schema.paymentAccounts).values({
        stripeAccountId: accountId,
        chargesEnabled: options.chargesEnabled ?? true,
        ...(options.organization ? { organizationId: options.organization.id } : { userId: publisher.id }),
      }),
    )
    const { event, tiers } = await eventWithTiers(
      database.db,
      [{ name: 'Front row', price: 2500, currency: 'EUR', quantity: options.quantity ?? 10 }],
      { paymentEnabled: true, stripeAccountId: accountId, organizationId: options.organization?.id ?? null },
      publisher,
    )
    return { event, tier: tiers[0]!, accountId, publisher }
  }

  const buyer = (label = 'buyer') => ({ name: 'Grace Hopper', email: `${label}-${randomBytes(4).toString('hex')}@example.test` })
  const place = (eventId: string, tierId: string, quantity = 2, headers: Record<string, string> = {}) =>
    apiClient(server.url, undefined, headers).orders.place.mutate({ eventId, items: [{ tierId, quantity }], buyer: buyer() })
  const sessionOf = (checkoutUrl: string | null) => fake.checkoutSessions.get(checkoutUrl!.split('/').pop()!)!
  const orderRow = async (orderId: string) =>
    (await asServiceRole(database.db, (tx) => tx.select().from(schema.orders).where(eq(schema.orders.id, orderId))))[0]!
  const asUser = async (user: TestUser) => apiClient(server.url, await signTestToken({ sub: user.id, email: user.email, sid: user.claims.sid }))
  const completed = (session: ReturnType<FakeStripe['pay']>, id?: string) => stripeEvent('checkout.session.completed', session, { id })

  it('holds the seats and opens Checkout: a destination charge with the platform fee, keyed by the order; a retry opens the same page', async () => {
    const { event, tier, accountId } = await paidEvent()
    const headers = { 'idempotency-key': `pay-${randomBytes(6).toString('hex')}` }
    const placed = await place(event.id, tier.id, 2, headers)
    expect(placed).toMatchObject({ status: 'pending', checkoutUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/checkout\/cs_test_/) })

    const session = sessionOf(placed.checkoutUrl)
    expect(session).toMatchObject({
      amount_total: 5000,
      currency: 'eur',
      application_fee_amount: 125,
      destination: accountId,
      client_reference_id: placed.orderId,
      metadata: { order_id: placed.orderId, event_id: event.id },
      success_url: expect.stringContaining(`/orders/${placed.orderId}?key=`),
    })
    const creation = fake.requestsTo('POST', '/v1/checkout/sessions').find((request) => request.params.client_reference_id === placed.orderId)!
    expect(creation.headers['idempotency-key']).toBe(`order:${placed.orderId}`)
    expect(creation.params['payment_intent_data[transfer_data][destination]']).toBe(accountId)

    const order = await orderRow(placed.orderId)
    expect(order).toMatchObject({ status: 'pending', total: 5000, applicationFee: 125, currency: 'EUR', stripeCheckoutSessionId: session.id })
    expect(order.expiresAt!.getTime() - order.createdAt.getTime()).toBeGreaterThanOrEqual(30 * 60_000)
    const sales = await salesOf(database.db, event.id)
    expect(sales).toMatchObject({ reserved: 2, tickets: [], emails: [] })

    const sessionsBefore = fake.checkoutSessions.size
    // The key belongs to this buyer: another e-mail behind it is refused, the same one gets the same order.
    expect((await failureOf(place(event.id, tier.id, 2, headers))).data?.code).toBe('CONFLICT')
    const retried = await apiClient(server.url, undefined, headers).orders.place.mutate({
      eventId: event.id,
      items: [{ tierId: tier.id, quantity: 2 }],
      buyer: { name: 'Grace Hopper', email: order.buyerEmail },
    })
    expect(retried).toEqual(placed)
    expect(fake.checkoutSessions.size).toBe(sessionsBefore)

    // The buyer who left Checkout goes back to it from the order page, with the key; nobody else does.
    const anonymous = apiClient(server.url)
    expect(await anonymous.orders.checkout.query({ orderId: placed.orderId, accessKey: placed.accessKey })).toEqual({ url: placed.checkoutUrl })
    expect((await failureOf(anonymous.orders.checkout.query({ orderId: placed.orderId }))).data?.code).toBe('NOT_FOUND')
    const resume = await fetch(`${server.url}/orders/${placed.orderId}/pay?key=${encodeURIComponent(placed.accessKey)}`, { redirect: 'manual' })
    expect({ status: resume.status, location: resume.headers.get('location') }).toEqual({ status: 303, location: placed.checkoutUrl })
    expect((await fetch(`${server.url}/orders/${placed.orderId}/pay`, { redirect: 'manual' })).status).toBe(404)
    fake.pay(session.id)
    expect(await anonymous.orders.checkout.query({ orderId: placed.orderId, accessKey: placed.accessKey })).toEqual({ url: null })
  })

  it('confirms once under five replays and concurrent deliveries, signed for either endpoint: tickets, one e-mail, payment received', async () => {
    const { event, tier } = await paidEvent()
    const placed = await place(event.id, tier.id, 3)
    const paid = fake.pay(sessionOf(placed.checkoutUrl).id)
    const event1 = completed(paid)
    const event2 = completed(paid)
    const deliveries = [
      ...Array.from({ length: 5 }, () => signed(event1, { secret: PLATFORM_SECRET })),
      ...Array.from({ length: 3 }, () => signed(event2, { secret: WEBHOOK_SECRET })),
    ]
    const answers = await Promise.all(deliveries.map((delivery) => deliver(server, delivery)))
    expect(answers.map((answer) => answer.status)).toEqual(deliveries.map(() => 200))
    for (const delivery of deliveries.slice(0, 2)) expect((await deliver(server, delivery)).status).toBe(200)

    const sales = await salesOf(database.db, event.id)
    expect(sales.orders).toMatchObject([{ status: 'confirmed', stripePaymentIntentId: paid.payment_intent, expiresAt: null }])
    expect(sales.tickets).toHaveLength(3)
    expect(sales.emails).toHaveLength(1)
    expect(sales.reserved).toBe(3)

    // Checkout sends the buyer back to APP_URL; this server listens elsewhere.
    const back = new URL(paid.success_url)
    const page = await fetch(`${server.url}${back.pathname}${back.search}`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('Confirmed: payment received')

    const forged = signed(completed(paid), { secret: 'whsec_someone_else' })
    expect((await deliver(server, forged)).status).toBe(400)
  })

  it('releases a hold exactly once: by the expiry webhook, the sweeper and the organizer racing', async () => {
    const { event, tier, publisher } = await paidEvent()
    const keep = await place(event.id, tier.id, 1)
    const placed = await place(event.id, tier.id, 2)
    const session = sessionOf(placed.checkoutUrl)
    const expired = signed(stripeEvent('checkout.session.expired', { ...session, status: 'expired', url: null }))
    const organizer = await asUser(publisher)
    const outcomes = await Promise.all([
      deliver(server, expired).then((answer) => answer.status),
      deliver(server, expired).then((answer) => answer.status),
      sweepExpiredHolds(database.db, new Date(Date.now() + 2 * HOUR)),
      organizer.orders.refund.mutate({ orderId: placed.orderId }),
    ])
    expect(outcomes.slice(0, 2)).toEqual([200, 200])

    const sales = await salesOf(database.db, event.id)
    const order = sales.orders.find((candidate) => candidate.id === placed.orderId)!
    expect(['expired', 'cancelled']).toContain(order.status)
    // The kept order may have been swept too (it was past its hold at that clock); counted either way.
    const kept = sales.orders.find((candidate) => candidate.id === keep.orderId)!
    expect(sales.reserved).toBe(kept.status === 'pending' ? 1 : 0)
    const [tierRow] = sales.tiers
    expect(tierRow!.reserved).toBe(sales.reserved)
  })

  it('releases a hold once when a failed Checkout creation, the expiry webhook and the sweeper race', async () => {
    const { event, tier } = await paidEvent()
    // Stripe answers 500: the client retries twice with a pause, the order pending meanwhile.
    fake.failing = { prefix: 'POST /v1/checkout/sessions', status: 500 }
    try {
      const placing = failureOf(place(event.id, tier.id, 2))
      // The order is written before Stripe is called; the retries leave about a second to race in.
      let pending: { id: string } | undefined
      while (!pending) {
        pending = (await salesOf(database.db, event.id)).orders[0]
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
      // A session Stripe made although its answer never arrived: its expiry names the order.
      const lost = {
        id: `cs_test_lost_${randomBytes(4).toString('hex')}`,
        object: 'checkout.session',
        status: 'expired',
        metadata: { order_id: pending.id },
        client_reference_id: pending.id,
      }
      const [refused, webhook] = await Promise.all([
        placing,
        deliver(server, signed(stripeEvent('checkout.session.expired', lost))).then((answer) => answer.status),
        sweepExpiredHolds(database.db, new Date(Date.now() + 2 * HOUR)),
      ])
      expect(refused.data?.code).toBe('SERVICE_UNAVAILABLE')
      expect(webhook).toBe(200)
    } finally {
      fake.failing = null
    }
    const sales = await salesOf(database.db, event.id)
    expect(['expired', 'cancelled']).toContain(sales.orders[0]!.status)
    expect(sales.reserved).toBe(0)
    expect(sales.tiers[0]!.reserved).toBe(0)
  })

  it('cancels the order at once and says nothing was charged when Stripe is unreachable or refuses', async () => {
    const { event, tier } = await paidEvent()
    fake.failing = { prefix: 'POST /v1/checkout/sessions', status: 500 }
    try {
      const unreachable = await failureOf(place(event.id, tier.id, 2))
      expect(unreachable.data?.code).toBe('SERVICE_UNAVAILABLE')
      expect(unreachable.message).toMatch(/payment service is not answering.*Nothing was charged and your seats were released/)
      fake.failing = { prefix: 'POST /v1/checkout/sessions', status: 400 }
      const refused = await failureOf(place(event.id, tier.id, 1))
      expect(refused.data?.code).toBe('PRECONDITION_FAILED')
      expect(refused.message).toMatch(/The payment service refused/)
    } finally {
      fake.failing = null
    }
    const sales = await salesOf(database.db, event.id)
    expect(sales.orders.map((order) => order.status)).toEqual(['cancelled', 'cancelled'])
    expect(sales.reserved).toBe(0)
    expect(sales.tiers[0]!.reserved).toBe(0)
  })

  it('seats a payment that completes after its hold ended, or refunds it once when the seats are gone', async () => {
    const { event, tier } = await paidEvent({ quantity: 2 })
    const late = await place(event.id, tier.id, 1)
    const lateAndSoldOut = await place(event.id, tier.id, 1)
    expect(await sweepExpiredHolds(database.db, new Date(Date.now() + 2 * HOUR))).toBeGreaterThanOrEqual(2)
    expect((await salesOf(database.db, event.id)).reserved).toBe(0)

    const first = fake.pay(sessionOf(late.checkoutUrl).id)
    expect((await deliver(server, signed(completed(first)))).status).toBe(200)
    expect(await orderRow(late.orderId)).toMatchObject({ status: 'confirmed' })

    // Someone else takes the last seat before the second late payment arrives.
    const other = await place(event.id, tier.id, 1)
    const second = fake.pay(sessionOf(lateAndSoldOut.checkoutUrl).id)
    const delivery = signed(completed(second))
    const answers = await Promise.all(Array.from({ length: 5 }, () => deliver(server, delivery)))
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200])

    expect(await orderRow(lateAndSoldOut.orderId)).toMatchObject({ status: 'refunded', stripePaymentIntentId: second.payment_intent })
    const refunds = fake.refunds.filter((refund) => refund.payment_intent === second.payment_intent)
    expect(refunds).toEqual([expect.objectContaining({ amount: 2500, reverse_transfer: true, refund_application_fee: true })])
    expect(fake.requestsTo('POST', '/v1/refunds').filter((request) => request.params.payment_intent === second.payment_intent)).toHaveLength(1)
    const sales = await salesOf(database.db, event.id)
    expect(sales.tickets.filter((ticket) => ticket.orderId === lateAndSoldOut.orderId)).toEqual([])
    expect(sales.reserved).toBe(2)
    expect(sales.orders.find((order) => order.id === other.orderId)!.status).toBe('pending')
  })

  it('refunds through Stripe once for the organizer (tickets void, seats back); a member may not; a stranger finds nothing', async () => {
    const owner = await createUser(database.db, 'owner')
    const member = await createUser(database.db, 'member')
    const organization = await createOrganization(database.db, owner, [{ user: member, role: 'member' }])
    const { event, tier } = await paidEvent({ organization, publisher: owner })
    const placed = await place(event.id, tier.id, 2)
    const paid = fake.pay(sessionOf(placed.checkoutUrl).id)
    expect((await deliver(server, signed(completed(paid)))).status).toBe(200)

    const forbidden = await failureOf((await asUser(member)).orders.refund.mutate({ orderId: placed.orderId }))
    expect(forbidden.data?.code).toBe('FORBIDDEN')
    const stranger = await failureOf((await asUser(await createUser(database.db, 'stranger'))).orders.refund.mutate({ orderId: placed.orderId }))
    expect(stranger.data?.code).toBe('NOT_FOUND')
    expect((await failureOf((await asUser(owner)).orders.refund.mutate({ orderId: 'not-an-id' }))).data?.code).toBe('BAD_REQUEST')

    const organizer = await asUser(owner)
    const twice = await Promise.all([organizer.orders.refund.mutate({ orderId: placed.orderId }), organizer.orders.refund.mutate({ orderId: placed.orderId })])
    expect(twice.map((result) => result.changed).sort()).toEqual([false, true])
    expect(twice.find((result) => result.changed)).toMatchObject({ status: 'refunded', refunded: 5000 })
    expect(fake.requestsTo('POST', '/v1/refunds').filter((request) => request.params.payment_intent === paid.payment_intent)).toHaveLength(1)
    const sales = await salesOf(database.db, event.id)
    expect(sales.orders[0]).toMatchObject({ status: 'refunded' })
    expect(sales.tickets.map((ticket) => ticket.status)).toEqual(['void', 'void'])
    expect(sales.reserved).toBe(0)

    // Stripe's own word on it changes nothing more.
    const chargeRefunded = stripeEvent('charge.refunded', { id: 'ch_1', object: 'charge', payment_intent: paid.payment_intent, refunded: true })
    expect((await deliver(server, signed(chargeRefunded))).status).toBe(200)
    expect((await salesOf(database.db, event.id)).reserved).toBe(0)
  })

  it('records a refund made in Stripe’s dashboard: the order refunded, its tickets void, its seats back', async () => {
    const { event, tier } = await paidEvent()
    const placed = await place(event.id, tier.id, 2)
    const paid = fake.pay(sessionOf(placed.checkoutUrl).id)
    expect((await deliver(server, signed(completed(paid)))).status).toBe(200)
    const chargeRefunded = stripeEvent('charge.refunded', { id: 'ch_2', object: 'charge', payment_intent: paid.payment_intent, refunded: true })
    expect((await deliver(server, signed(chargeRefunded))).status).toBe(200)
    const sales = await salesOf(database.db, event.id)
    expect(sales.orders[0]).toMatchObject({ status: 'refunded' })
    expect(sales.tickets.every((ticket) => ticket.status === 'void')).toBe(true)
    expect(sales.reserved).toBe(0)
  })

  it('refuses paid tickets with a clear reason when the event or its account cannot take payments', async () => {
    const { event, tier } = await paidEvent({ chargesEnabled: false })
    const notReady = await failureOf(place(event.id, tier.id, 1))
    expect(notReady.data?.code).toBe('PRECONDITION_FAILED')
    expect(notReady.message).toBe("“Front row” cannot be bought right now: the organizer's payment account cannot take payments yet.")
    const off = await eventWithTiers(database.db, [{ name: 'Seat', price: 900 }])
    const refused = await failureOf(place(off.event.id, off.tiers[0]!.id, 1))
    expect(refused.message).toBe('“Seat” cannot be bought: this event does not take payments.')
    expect((await salesOf(database.db, event.id)).reserved).toBe(0)
  })
})
