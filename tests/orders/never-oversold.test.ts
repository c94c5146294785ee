import { randomBytes } from 'node:crypto'
import superjson from 'superjson'
import { describe, expect, it } from 'vitest'
import { asServiceRole } from '../../db/rls'
import * as schema from '../../db/schema'
import type { PlaceOrderInput } from '../../server/orders/schemas'
import { databaseKinds } from '../support/databases'
import { fakeAccount, startFakeStripe, verifiedAccount } from '../support/fake-stripe'
import { startTestServer, type TestServer, useTestServer } from '../support/server'
import { deliver, signed, stripeEnv, stripeEvent } from '../support/stripe-webhooks'
import { eventWithTiers, NOW, salesOf } from './support'

/** One order over HTTP, as a buyer's browser or client sends it; the HTTP status and the error message. */
async function place(server: TestServer, input: PlaceOrderInput) {
  const response = await fetch(`${server.url}/api/trpc/orders.place`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(superjson.serialize(input)),
  })
  const body = (await response.json()) as { error?: { json: { message: string } } }
  return { status: response.status, message: body.error?.json.message }
}

const buyerNumber = (n: number) => ({ name: `Buyer ${n}`, email: `buyer-${n}@example.test` })

// Real Postgres only (always under CI), where requests really run at once; a plain `if`, so nothing is skipped.
if (databaseKinds.includes('postgres'))
  describe('never oversold [postgres]', () => {
    const { server, database } = useTestServer('postgres', {}, { now: () => NOW, poolMax: 20 })

    it('300 buyers at once for a tier of 100 seats: tickets issued = seats reserved ≤ 100, the rest told it is sold out', async () => {
      const { event, tiers } = await eventWithTiers(database.db, [{ name: 'Front row', quantity: 100 }])
      const results = await Promise.all(
        Array.from({ length: 300 }, (_, n) =>
          place(server, { eventId: event.id, items: [{ tierId: tiers[0]!.id, quantity: (n % 3) + 1 }], buyer: buyerNumber(n) }),
        ),
      )
      const statuses = results.map((result) => result.status)
      expect(statuses.filter((status) => status >= 500)).toEqual([])
      expect(statuses.every((status) => status === 200 || status === 409)).toBe(true)
      for (const refused of results.filter((result) => result.status === 409)) expect(refused.message).toMatch(/Sold out: .*“Front row”/)

      const sales = await salesOf(database.db, event.id)
      expect(sales.tiers[0]!.reserved).toBe(sales.tickets.length)
      expect(sales.reserved).toBe(sales.tickets.length)
      expect(sales.tickets.length).toBeLessThanOrEqual(100)
      // 300 orders of 1–3 seats ask for 600: the tier is sold to its last seat or nearly (the last asks may not fit).
      expect(sales.tickets.length).toBeGreaterThanOrEqual(98)
      expect(sales.orders).toHaveLength(statuses.filter((status) => status === 200).length)
      expect(sales.emails).toHaveLength(sales.orders.length)
      console.info(
        `300 concurrent orders for 100 seats: ${sales.orders.length} placed, ${sales.tickets.length} tickets, ${statuses.filter((s) => s === 409).length} sold out`,
      )
    })

    it('an event capacity smaller than its tiers together: the event is never over capacity, each tier within its own', async () => {
      const { event, tiers } = await eventWithTiers(
        database.db,
        [
          { name: 'Seated', quantity: 40 },
          { name: 'Standing', quantity: 40 },
        ],
        { capacity: 50 },
      )
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, n) =>
          place(server, { eventId: event.id, items: [{ tierId: tiers[n % 2]!.id, quantity: (n % 3) + 1 }], buyer: buyerNumber(n) }),
        ),
      )
      expect(results.filter((result) => result.status !== 200 && result.status !== 409)).toEqual([])
      const sales = await salesOf(database.db, event.id)
      expect(sales.reserved).toBe(sales.tickets.length)
      expect(sales.reserved).toBeLessThanOrEqual(50)
      expect(sales.reserved).toBeGreaterThanOrEqual(48)
      for (const tier of sales.tiers) {
        expect(tier.reserved).toBe(sales.tickets.filter((ticket) => ticket.tierId === tier.id).length)
        expect(tier.reserved).toBeLessThanOrEqual(40)
      }
    })

    it('free and paid orders at once under an event capacity: holds count as seats, paying them never oversells', async () => {
      const fake = await startFakeStripe()
      // The earlier surges from this one address already used most of the per-IP allowance, counted in Postgres.
      const paying = await startTestServer(database, { ...stripeEnv(fake), RATE_LIMIT_ORDERS_PER_IP: '100000' }, { now: () => NOW })
      try {
        const accountId = `acct_${randomBytes(8).toString('hex')}`
        fake.accounts.set(accountId, verifiedAccount(fakeAccount(accountId)))
        const { event, tiers, publisher } = await eventWithTiers(
          database.db,
          [
            { name: 'Free', quantity: 40 },
            { name: 'Paid', quantity: 40, price: 1500 },
          ],
          { capacity: 60, paymentEnabled: true, stripeAccountId: accountId },
        )
        await asServiceRole(database.db, (tx) =>
          tx.insert(schema.paymentAccounts).values({ stripeAccountId: accountId, userId: publisher.id, chargesEnabled: true }),
        )
        const results = await Promise.all(
          Array.from({ length: 200 }, (_, n) =>
            place(paying, { eventId: event.id, items: [{ tierId: tiers[n % 2]!.id, quantity: (n % 3) + 1 }], buyer: buyerNumber(n) }),
          ),
        )
        expect(results.filter((result) => result.status !== 200 && result.status !== 409)).toEqual([])
        const held = await salesOf(database.db, event.id)
        const [free, paidTier] = tiers.map((tier) => held.tiers.find((row) => row.id === tier.id)!)
        expect(held.reserved).toBeLessThanOrEqual(60)
        expect(held.reserved).toBeGreaterThanOrEqual(58)
        expect(held.reserved).toBe(free!.reserved + paidTier!.reserved)
        // Free seats are tickets at once; paid ones are holds, with no ticket before the payment.
        expect(held.tickets.every((ticket) => ticket.tierId === free!.id)).toBe(true)
        expect(held.tickets.length).toBe(free!.reserved)
        expect(paidTier!.reserved).toBeGreaterThan(0)

        // Every pending order paid, the webhooks delivered all at once: the seats they held become tickets, no more.
        const pending = held.orders.filter((order) => order.status === 'pending')
        const deliveries = pending.map((order) => {
          const paid = fake.pay(order.stripeCheckoutSessionId!)
          return deliver(paying, signed(stripeEvent('checkout.session.completed', paid), { timestamp: Math.floor(NOW.getTime() / 1000) }))
        })
        expect((await Promise.all(deliveries)).map((answer) => answer.status)).toEqual(pending.map(() => 200))
        const paid = await salesOf(database.db, event.id)
        expect(paid.orders.filter((order) => order.status === 'pending')).toEqual([])
        expect(paid.tickets.length).toBe(paid.reserved)
        expect(paid.reserved).toBe(held.reserved)
        for (const tier of paid.tiers) {
          expect(tier.reserved).toBe(paid.tickets.filter((ticket) => ticket.tierId === tier.id).length)
          expect(tier.reserved).toBeLessThanOrEqual(40)
        }
      } finally {
        await paying.close()
        await fake.close()
      }
    })
  })
