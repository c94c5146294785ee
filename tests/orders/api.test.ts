import { beforeAll, expect, it } from 'vitest'
import { describeEachDatabase } from '../support/databases'
import { signUp } from '../support/organizers'
import { apiClient, failureOf, useTestServer } from '../support/server'
import { eventWithTiers, NOW } from './support'

const MEETING_LINK = 'https://meet.example.test/secret-room'

/** Orders as a developer's typed client places and reads them, over HTTP. */
describeEachDatabase('orders through the typed API', (kind) => {
  // A low per-IP limit, to see it refuse; the surge test keeps the generous default.
  const { server, database } = useTestServer(kind, { RATE_LIMIT_ORDERS_PER_IP: '6' }, { now: () => NOW })
  let eventId: string
  let tierId: string
  beforeAll(async () => {
    const { event, tiers } = await eventWithTiers(database.db, [{ name: 'General' }], { venueMode: 'virtual', venue: null, onlineUrl: MEETING_LINK })
    eventId = event.id
    tierId = tiers[0]!.id
  })

  const buyer = { name: 'Ada', email: 'ada@example.test' }

  it('places as a signed-in buyer, who then finds it in orders.mine and reads it by account; nobody else reads it without the key', async () => {
    const signedIn = await signUp(server, 'buyer')
    const placed = await signedIn.api.orders.place.mutate({ eventId, items: [{ tierId, quantity: 2 }], buyer })
    expect(placed).toMatchObject({ status: 'confirmed', checkoutUrl: null, accessKey: expect.any(String) })
    expect((await signedIn.api.orders.mine.query()).map((order) => order.id)).toEqual([placed.orderId])
    const byAccount = await signedIn.api.orders.get.query({ orderId: placed.orderId })
    expect(byAccount).toMatchObject({ status: 'confirmed', onlineUrl: MEETING_LINK })
    expect(byAccount.tickets).toHaveLength(2)

    const stranger = await signUp(server, 'stranger')
    for (const api of [stranger.api, apiClient(server.url)]) {
      const error = await failureOf(api.orders.get.query({ orderId: placed.orderId }))
      expect(error.data?.code).toBe('NOT_FOUND')
      expect(JSON.stringify(error)).not.toContain('secret-room')
    }
    expect(await stranger.api.orders.mine.query()).toEqual([])
    expect(await apiClient(server.url).orders.get.query({ orderId: placed.orderId, accessKey: placed.accessKey })).toMatchObject({
      id: placed.orderId,
    })
    expect((await failureOf(apiClient(server.url).orders.mine.query())).data?.code).toBe('UNAUTHORIZED')
  })

  it('answers bad input with BAD_REQUEST and field issues, a retried key with the same order', async () => {
    const error = await failureOf(
      apiClient(server.url).orders.place.mutate({ eventId, items: [{ tierId, quantity: 1 }], buyer: { name: 'Ada', email: 'ada' } }),
    )
    expect(error.data?.code).toBe('BAD_REQUEST')
    expect(error.data?.issues).toEqual([{ path: 'buyer.email', message: 'Use an e-mail address such as name@example.com.' }])

    const retrying = apiClient(server.url, undefined, { 'idempotency-key': 'checkout-7f3a' })
    const first = await retrying.orders.place.mutate({ eventId, items: [{ tierId, quantity: 1 }], buyer })
    expect(await retrying.orders.place.mutate({ eventId, items: [{ tierId, quantity: 1 }], buyer })).toEqual(first)
  })

  it('limits orders per client IP, with Retry-After', async () => {
    // The limit is six per window, some of them taken above: of seven more, at least one is refused, all for that.
    const anonymous = apiClient(server.url)
    const results = await Promise.allSettled(
      Array.from({ length: 7 }, () => anonymous.orders.place.mutate({ eventId, items: [{ tierId, quantity: 1 }], buyer })),
    )
    const refused = results.filter((result) => result.status === 'rejected')
    expect(refused.length).toBeGreaterThan(0)
    for (const result of refused) expect((result.reason as { data?: { code?: string } }).data?.code).toBe('TOO_MANY_REQUESTS')
    const response = await fetch(`${server.url}/api/trpc/orders.place`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ json: { eventId, items: [{ tierId, quantity: 1 }], buyer } }),
    })
    expect(response.status).toBe(429)
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0)
  })
})
