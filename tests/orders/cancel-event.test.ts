import { randomBytes } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { asServiceRole } from '../../db/rls'
import * as schema from '../../db/schema'
import { renderEmail } from '../../server/mail/templates'
import { sweepCancelledEvents } from '../../server/orders/cancel-event'
import type { OrderDeps } from '../../server/orders/deps'
import { refundPayment } from '../../server/orders/refund-payment'
import { createStripeConnect } from '../../server/payments/stripe-client'
import { describeEachDatabase } from '../support/databases'
import { type FakeStripe, fakeAccount, startFakeStripe, verifiedAccount } from '../support/fake-stripe'
import { createOrganization, createUser, type TestUser } from '../support/fixtures'
import { apiClient, failureOf, signTestToken, useTestServer } from '../support/server'
import { deliver, signed, stripeEnv, stripeEvent } from '../support/stripe-webhooks'
import { eventWithTiers, salesOf } from './support'

/*
 * Cancelling an event with free, pending and paid orders (the real `stripe` client against the local
 * Stripe stand-in, which refunds a payment once and refuses a second refund): every seat released,
 * every paid order refunded exactly once, every attendee e-mailed — also when cancel runs twice, when
 * Stripe refuses for a while, and when a crash left the job half done.
 */
describeEachDatabase('cancelling an event', (kind) => {
  let fake: FakeStripe
  beforeAll(async () => {
    fake = await startFakeStripe()
  })
  afterAll(() => fake?.close())
  // The sweeper is driven by the tests themselves here.
  const { server, database } = useTestServer(kind, () => ({ ...stripeEnv(fake), HOLD_SWEEP_INTERVAL_SECONDS: '0' }))

  const asUser = async (user: TestUser) => apiClient(server.url, await signTestToken({ sub: user.id, email: user.email, sid: user.claims.sid }))
  const buyer = () => ({ name: 'Grace Hopper', email: `buyer-${randomBytes(4).toString('hex')}@example.test` })
  const refundRequests = (paymentIntent: string) => fake.requestsTo('POST', '/v1/refunds').filter((request) => request.params.payment_intent === paymentIntent)
  const deps = (): OrderDeps => ({
    db: database.db,
    now: () => new Date(),
    accessSecret: 'unused-by-the-wind-down-0123456789abcdef',
    payments: { stripe: createStripeConnect(stripeEnv(fake))!.client, appUrl: server.url, platformFeeBps: 0 },
  })

  /** A published event with a free and a paid tier, and one order of each kind: free, paid, still at Checkout. */
  async function eventWithOrders(options: { organization?: { id: string }; publisher?: TestUser } = {}) {
    const publisher = options.publisher ?? (await createUser(database.db, 'organizer'))
    const accountId = `acct_${randomBytes(8).toString('hex')}`
    fake.accounts.set(accountId, verifiedAccount(fakeAccount(accountId)))
    await asServiceRole(database.db, (tx) =>
      tx.insert(schema.paymentAccounts).values({
        stripeAccountId: accountId,
        chargesEnabled: true,
        ...(options.organization ? { organizationId: options.organization.id } : { userId: publisher.id }),
      }),
    )
    const { event, tiers } = await eventWithTiers(
      database.db,
      [
        { name: 'Guest list', price: 0, currency: 'EUR', quantity: 20 },
        { name: 'Front row', price: 2500, currency: 'EUR', quantity: 10 },
      ],
      { paymentEnabled: true, stripeAccountId: accountId, organizationId: options.organization?.id ?? null },
      publisher,
    )
    const [free, paid] = tiers as [(typeof tiers)[number], (typeof tiers)[number]]
    const api = apiClient(server.url)
    const freeOrder = await api.orders.place.mutate({ eventId: event.id, items: [{ tierId: free.id, quantity: 2 }], buyer: buyer() })
    const paidOrder = await api.orders.place.mutate({ eventId: event.id, items: [{ tierId: paid.id, quantity: 2 }], buyer: buyer() })
    const session = fake.pay(paidOrder.checkoutUrl!.split('/').pop()!)
    expect((await deliver(server, signed(stripeEvent('checkout.session.completed', session)))).status).toBe(200)
    const pendingOrder = await api.orders.place.mutate({ eventId: event.id, items: [{ tierId: paid.id, quantity: 1 }], buyer: buyer() })
    return {
      publisher,
      event,
      free,
      paid,
      freeOrder,
      paidOrder,
      pendingOrder,
      paymentIntent: session.payment_intent!,
      pendingSession: pendingOrder.checkoutUrl!.split('/').pop()!,
    }
  }

  const statusOf = async (orderId: string) =>
    (await asServiceRole(database.db, (tx) => tx.select({ status: schema.orders.status }).from(schema.orders).where(eq(schema.orders.id, orderId))))[0]!.status

  it('cancels every order, refunds the paid one once, releases every seat and e-mails each attendee; the page says cancelled', async () => {
    const { publisher, event, freeOrder, paidOrder, pendingOrder, paymentIntent, pendingSession } = await eventWithOrders()
    expect((await salesOf(database.db, event.id)).reserved).toBe(5)
    const organizer = await asUser(publisher)

    const cancelled = await organizer.events.cancel.mutate({ eventId: event.id, message: '  The venue flooded. Sorry!  ' })
    expect(cancelled).toMatchObject({ eventId: event.id, status: 'cancelled', changed: true, ended: 3, left: 0 })

    expect(await statusOf(freeOrder.orderId)).toBe('cancelled')
    expect(await statusOf(paidOrder.orderId)).toBe('refunded')
    expect(await statusOf(pendingOrder.orderId)).toBe('cancelled')
    const sales = await salesOf(database.db, event.id)
    expect(sales.reserved).toBe(0)
    expect(sales.tiers.map((tier) => tier.reserved)).toEqual([0, 0])
    expect(sales.tickets.every((ticket) => ticket.status === 'void')).toBe(true)
    expect(refundRequests(paymentIntent)).toHaveLength(1)
    expect(fake.refunds.filter((refund) => refund.payment_intent === paymentIntent)).toMatchObject([
      { amount: 5000, reverse_transfer: true, refund_application_fee: true },
    ])
    expect(fake.checkoutSessions.get(pendingSession)?.status).toBe('expired')

    // The two attendees are told; the buyer who never paid had no tickets.
    const emails = sales.emails.filter((email) => email.template === 'event-cancellation')
    expect(emails.map((email) => (email.payload as { orderId: string }).orderId).sort()).toEqual([freeOrder.orderId, paidOrder.orderId].sort())
    const refundedMail = await asServiceRole(database.db, (tx) =>
      renderEmail(tx, { appUrl: server.url, accessSecret: 'x'.repeat(32), invitationSecret: 'y'.repeat(32) }, 'event-cancellation', {
        orderId: paidOrder.orderId,
      }),
    )
    expect(refundedMail.subject).toMatch(/^Cancelled: /)
    expect(refundedMail.text).toContain('The venue flooded. Sorry!')
    expect(refundedMail.text).toContain('€50.00 is refunded')

    // Public: the page says cancelled, with the message and no tiers; nobody can order any more.
    const page = await apiClient(server.url).events.bySlug.query({ slug: event.slug })
    expect(page).toMatchObject({ status: 'cancelled', cancellationMessage: 'The venue flooded. Sorry!', tiers: [] })
    const refused = await failureOf(
      apiClient(server.url).orders.place.mutate({ eventId: event.id, items: [{ tierId: sales.tiers[0]!.id, quantity: 1 }], buyer: buyer() }),
    )
    expect(refused).toMatchObject({ message: 'This event is cancelled: registration has closed.', data: { code: 'PRECONDITION_FAILED' } })

    // Asking again changes nothing and refunds nothing; it cannot be published again.
    expect(await organizer.events.cancel.mutate({ eventId: event.id, message: 'again' })).toMatchObject({ changed: false, ended: 0, left: 0 })
    expect(refundRequests(paymentIntent)).toHaveLength(1)
    expect((await apiClient(server.url).events.bySlug.query({ slug: event.slug })).cancellationMessage).toBe('The venue flooded. Sorry!')
    expect((await failureOf(organizer.events.republish.mutate({ eventId: event.id }))).data?.code).toBe('CONFLICT')
  })

  it('two cancels at once refund the paid order once', async () => {
    const { publisher, event, paidOrder, paymentIntent } = await eventWithOrders()
    const organizer = await asUser(publisher)
    const answers = await Promise.all([0, 1, 2].map(() => organizer.events.cancel.mutate({ eventId: event.id, message: '' })))
    expect(answers.filter((answer) => answer.changed)).toHaveLength(1)
    expect(answers.reduce((sum, answer) => sum + answer.ended, 0)).toBe(3)
    expect(await statusOf(paidOrder.orderId)).toBe('refunded')
    expect(refundRequests(paymentIntent)).toHaveLength(1)
    expect((await salesOf(database.db, event.id)).reserved).toBe(0)
  })

  it('leaves a refund Stripe refuses for the sweeper, which finishes it once Stripe answers', async () => {
    const { publisher, event, freeOrder, paidOrder, paymentIntent } = await eventWithOrders()
    fake.failing = { prefix: 'POST /v1/refunds', status: 500 }
    try {
      const cancelled = await (await asUser(publisher)).events.cancel.mutate({ eventId: event.id, message: '' })
      expect(cancelled).toMatchObject({ changed: true, ended: 2, left: 1 })
    } finally {
      fake.failing = null
    }
    expect(await statusOf(freeOrder.orderId)).toBe('cancelled')
    expect(await statusOf(paidOrder.orderId)).toBe('confirmed')
    expect((await salesOf(database.db, event.id)).reserved).toBe(2)

    expect(await sweepCancelledEvents(deps())).toBeGreaterThanOrEqual(1)
    expect(await statusOf(paidOrder.orderId)).toBe('refunded')
    expect(fake.refunds.filter((refund) => refund.payment_intent === paymentIntent)).toHaveLength(1)
    expect((await salesOf(database.db, event.id)).reserved).toBe(0)
    expect(await sweepCancelledEvents(deps())).toBe(0)
  })

  it('finishes a cancellation a crash interrupted, also after the refund went through but was not recorded', async () => {
    const { event, freeOrder, paidOrder, pendingOrder, paymentIntent } = await eventWithOrders()
    // The crash: the event was marked cancelled and Stripe refunded the payment, then the process died.
    await asServiceRole(database.db, (tx) =>
      tx.update(schema.events).set({ status: 'cancelled', cancelledAt: new Date(), cancellationMessage: 'Called off.' }).where(eq(schema.events.id, event.id)),
    )
    await refundPayment(deps().payments!.stripe, paidOrder.orderId, paymentIntent)
    expect(await statusOf(paidOrder.orderId)).toBe('confirmed')

    await sweepCancelledEvents(deps())
    expect([await statusOf(freeOrder.orderId), await statusOf(paidOrder.orderId), await statusOf(pendingOrder.orderId)]).toEqual([
      'cancelled',
      'refunded',
      'cancelled',
    ])
    expect(fake.refunds.filter((refund) => refund.payment_intent === paymentIntent)).toHaveLength(1)
    const sales = await salesOf(database.db, event.id)
    expect(sales.reserved).toBe(0)
    expect(sales.emails.filter((email) => email.template === 'event-cancellation')).toHaveLength(2)
  })

  it('only the publisher and the organization owners and admins cancel; a member is refused, a stranger sees nothing; bad input names the field', async () => {
    const owner = await createUser(database.db, 'owner')
    const admin = await createUser(database.db, 'admin')
    const member = await createUser(database.db, 'member')
    const stranger = await createUser(database.db, 'stranger')
    const organization = await createOrganization(database.db, owner, [
      { user: admin, role: 'admin' },
      { user: member, role: 'member' },
    ])
    const { event, paidOrder } = await eventWithOrders({ organization, publisher: owner })

    const memberRefusal = await failureOf((await asUser(member)).events.cancel.mutate({ eventId: event.id, message: '' }))
    expect(memberRefusal.data?.code).toBe('FORBIDDEN')
    expect((await failureOf((await asUser(stranger)).events.cancel.mutate({ eventId: event.id, message: '' }))).data?.code).toBe('NOT_FOUND')
    expect((await failureOf((await asUser(member)).events.unpublish.mutate({ eventId: event.id }))).data?.code).toBe('FORBIDDEN')
    const tooLong = await failureOf((await asUser(admin)).events.cancel.mutate({ eventId: event.id, message: 'x'.repeat(2001) }))
    expect(tooLong.data?.code).toBe('BAD_REQUEST')
    expect(tooLong.data?.issues).toEqual([{ path: 'message', message: 'Keep the message to attendees to 2,000 characters.' }])
    expect((await failureOf(apiClient(server.url).events.cancel.mutate({ eventId: event.id, message: '' }))).data?.code).toBe('UNAUTHORIZED')
    // Nothing happened so far.
    expect((await apiClient(server.url).events.bySlug.query({ slug: event.slug })).status).toBe('published')
    expect(await statusOf(paidOrder.orderId)).toBe('confirmed')

    expect(await (await asUser(admin)).events.cancel.mutate({ eventId: event.id, message: '' })).toMatchObject({ changed: true, left: 0 })
  })

  it('unpublishes and publishes again; asking twice answers the same', async () => {
    const { publisher, event } = await eventWithOrders()
    const organizer = await asUser(publisher)
    expect(await organizer.events.unpublish.mutate({ eventId: event.id })).toEqual({ id: event.id, status: 'unpublished' })
    expect(await organizer.events.unpublish.mutate({ eventId: event.id })).toEqual({ id: event.id, status: 'unpublished' })
    expect((await failureOf(apiClient(server.url).events.bySlug.query({ slug: event.slug }))).data?.code).toBe('NOT_FOUND')
    expect(await organizer.events.republish.mutate({ eventId: event.id })).toEqual({ id: event.id, status: 'published' })
    expect(await organizer.events.republish.mutate({ eventId: event.id })).toEqual({ id: event.id, status: 'published' })
    expect((await apiClient(server.url).events.bySlug.query({ slug: event.slug })).status).toBe('published')
  })
})
