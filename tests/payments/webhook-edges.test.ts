import { request } from 'node:http'
import { count, eq } from 'drizzle-orm'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { asServiceRole } from '../../db/rls'
import * as schema from '../../db/schema'
import { describeEachDatabase } from '../support/databases'
import { type FakeStripe, startFakeStripe } from '../support/fake-stripe'
import { type TestServer, useTestServer } from '../support/server'
import { deliver, signed, stripeEnv, stripeEvent } from '../support/stripe-webhooks'

const now = () => Math.floor(Date.now() / 1000)

/** Posts to the webhook with node:http, so the test chooses the framing: a declared length, or chunks without an end. */
function rawDelivery(server: TestServer, options: { headers?: Record<string, string>; chunks: Buffer[]; end: boolean }) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(`${server.url}/api/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json', ...options.headers } })
    req.on('response', (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
      res.on('error', reject)
    })
    // The server may close the connection once it has answered; what matters is the answer.
    req.on('error', () => {})
    req.flushHeaders()
    for (const chunk of options.chunks) req.write(chunk)
    if (options.end) req.end()
  })
}

/*
 * What the webhook refuses before writing anything: an event without an id (it could not be stored
 * once), a signature from far in the future (Stripe's tolerance only bounds the past), and a body
 * larger than any Stripe event — counted while it streams in, so the rest is never waited for.
 */
describeEachDatabase('the Stripe webhook at its edges', (kind) => {
  let fake: FakeStripe
  const statuses: number[] = []
  beforeAll(async () => {
    fake = await startFakeStripe()
  })
  afterAll(() => fake?.close())
  const { server, database } = useTestServer(kind, () => stripeEnv(fake))

  const storedEventCount = async () => (await asServiceRole(database.db, (tx) => tx.select({ n: count() }).from(schema.stripeEvents)))[0]!.n

  it('refuses a signed event without an id, or with one that is not text: 400, nothing stored', async () => {
    const before = await storedEventCount()
    for (const id of [undefined, '', 42, null, { nested: true }]) {
      const { id: _id, ...event } = stripeEvent('account.updated', { id: 'acct_x', object: 'account' })
      const response = await deliver(server, signed(id === undefined ? event : { ...event, id }))
      statuses.push(response.status)
      expect(response.status, JSON.stringify(id)).toBe(400)
      expect(await response.json()).toEqual({ received: false, outcome: 'the event has no id, type or creation time' })
    }
    const noType = await deliver(server, signed({ ...stripeEvent('x', {}), type: undefined }))
    statuses.push(noType.status)
    expect(noType.status).toBe(400)
    expect(await storedEventCount()).toBe(before)
  })

  it('refuses a signature dated far in the future, and accepts ordinary clock skew', async () => {
    const far = stripeEvent('account.updated', { id: 'acct_future', object: 'account' })
    for (const ahead of [3600, 86_400 * 365]) {
      const response = await deliver(server, signed(far, { timestamp: now() + ahead }))
      statuses.push(response.status)
      expect(response.status, `${ahead}s ahead`).toBe(400)
    }
    expect(await asServiceRole(database.db, (tx) => tx.select().from(schema.stripeEvents).where(eq(schema.stripeEvents.id, far.id)))).toEqual([])
    const skewed = await deliver(server, signed(stripeEvent('customer.created', { id: 'cus_1' }), { timestamp: now() + 30 }))
    expect(skewed.status).toBe(200)
  })

  it('answers 413 to a body declared larger than 1 MB without reading it', async () => {
    const before = await storedEventCount()
    const response = await rawDelivery(server, { headers: { 'content-length': String(50 * 1024 * 1024) }, chunks: [], end: false })
    statuses.push(response.status)
    expect(response.status).toBe(413)
    expect(await storedEventCount()).toBe(before)
  })

  it('answers 413 as soon as a streamed body passes 1 MB, without waiting for its end', async () => {
    const before = await storedEventCount()
    // Chunked, no length, and never ended: only a reader that counts as it goes can answer.
    const response = await rawDelivery(server, { headers: { 'stripe-signature': 't=1,v1=00' }, chunks: [Buffer.alloc(1024 * 1024 + 1, 0x20)], end: false })
    statuses.push(response.status)
    expect(response.status).toBe(413)
    expect(await storedEventCount()).toBe(before)
  })

  it('gave no 5xx', () => {
    console.info(`[${kind}] webhook edges: ${statuses.length} bad deliveries tried, ${statuses.filter((s) => s >= 500).length} answered 5xx`)
    expect(statuses.filter((status) => status >= 500)).toEqual([])
  })
})
