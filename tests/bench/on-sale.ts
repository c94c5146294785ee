import { randomUUID } from 'node:crypto'
import autocannon from 'autocannon'
import { percentile } from './limit'
import type { Exec, OnSale } from './seed'

export interface SurgeResult {
  /** Answered 200 with an order. */
  placed: number
  /** Answered 409 "Sold out". */
  soldOut: number
  /** Socket errors, timeouts, and any other answer (a 5xx, a 429, a 200 without an order…). */
  errors: number
  /** Of the errors: requests unanswered after autocannon's 10 s, and the other answers by status. */
  timeouts: number
  unexpected: Record<number, number>
  /** From the first request to the last order placed. */
  soldOutAfterSeconds: number
  /** Orders placed per second until the last one. */
  ordersPerSecond: number
  /** Answers of any kind per second, from the first request to the last answer. */
  answersPerSecond: number
  p50: number
  p99: number
  orderP50: number
  orderP99: number
}

/**
 * Buyers placing free orders for one ticket each through `orders.place`, as a client of the typed API
 * does: every request its own buyer and Idempotency-Key, `connections` at once, until `amount`
 * requests were answered (or for `seconds`). Each answer is read: a 200 must carry an order, a 409 must
 * say the tier is sold out; anything else counts as an error.
 */
export async function surge(options: { url: string; sale: OnSale; connections: number; amount?: number; seconds?: number }): Promise<SurgeResult> {
  const run = randomUUID().slice(0, 8)
  let sent = 0
  let placed = 0
  let soldOut = 0
  const unexpected: Record<number, number> = {}
  const latencies: number[] = []
  const orderLatencies: number[] = []
  let lastOrderAt = 0
  let lastAnswerAt = 0
  const body = (n: number) =>
    JSON.stringify({
      json: {
        eventId: options.sale.eventId,
        items: [{ tierId: options.sale.tierId, quantity: 1 }],
        buyer: { name: `Buyer ${n}`, email: `buyer-${run}-${n}@example.test` },
      },
    })
  const soldOutMessage = new RegExp(`^Sold out: .*“${options.sale.tierName}”`)
  const started = performance.now()
  const result = await autocannon({
    url: `${options.url}/api/trpc/orders.place`,
    connections: options.connections,
    ...(options.amount ? { amount: options.amount } : { duration: options.seconds ?? 2 }),
    setupClient: (client) => {
      client.on('response', (status: number, _bytes: number, duration: number) => {
        lastAnswerAt = performance.now()
        latencies.push(duration)
        if (status === 200) {
          orderLatencies.push(duration)
          lastOrderAt = lastAnswerAt
        }
      })
    },
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const n = sent++
          return { ...request, headers: { 'content-type': 'application/json', 'idempotency-key': `surge-${run}-${n}` }, body: body(n) }
        },
        onResponse: (status, text) => {
          const answer = parsed(text)
          if (status === 200 && answer.result?.data.json.orderId) placed++
          else if (status === 409 && soldOutMessage.test(answer.error?.json.message ?? '')) soldOut++
          else unexpected[status] = (unexpected[status] ?? 0) + 1
        },
      },
    ],
  })
  const answers = latencies.length
  const soldOutAfterSeconds = (lastOrderAt - started) / 1000
  const sorted = [...latencies].sort((a, b) => a - b)
  const sortedOrders = [...orderLatencies].sort((a, b) => a - b)
  return {
    placed,
    soldOut,
    errors: result.errors + Object.values(unexpected).reduce((sum, count) => sum + count, 0),
    timeouts: result.timeouts,
    unexpected,
    soldOutAfterSeconds: Math.round(soldOutAfterSeconds * 10) / 10,
    ordersPerSecond: Math.round(placed / soldOutAfterSeconds),
    answersPerSecond: Math.round(answers / ((lastAnswerAt - started) / 1000)),
    p50: Math.round(percentile(sorted, 50)),
    p99: Math.round(percentile(sorted, 99)),
    orderP50: Math.round(percentile(sortedOrders, 50)),
    orderP99: Math.round(percentile(sortedOrders, 99)),
  }
}

type Answer = { result?: { data: { json: { orderId?: string } } }; error?: { json: { message: string } } }

/** A tRPC answer; a body that is not one (a proxy's or a crash's page) reads as empty, an error. */
function parsed(text: string): Answer {
  try {
    return JSON.parse(text) as Answer
  } catch {
    return {}
  }
}

export interface SaleCounts {
  tierReserved: number
  eventReserved: number
  tickets: number
  orders: number
  emails: number
}

/** What the database holds for a sale: its counters, orders, tickets and queued confirmations. */
export async function saleCounts(exec: Exec, sale: OnSale): Promise<SaleCounts> {
  const [counts] = (await exec(
    `select (select reserved from event_wizard.event_ticket_tiers where id = $2) as "tierReserved",
            (select reserved from event_wizard.events where id = $1) as "eventReserved",
            (select count(*)::int from event_wizard.tickets where event_id = $1) as tickets,
            (select count(*)::int from event_wizard.orders where event_id = $1) as orders,
            (select count(*)::int from event_wizard.email_outbox m
               where m.payload->>'orderId' in (select id::text from event_wizard.orders where event_id = $1)) as emails`,
    [sale.eventId, sale.tierId],
  )) as SaleCounts[]
  return counts!
}

/**
 * Whatever is wrong after a sold-out surge, against what the buyers were told: anything but exactly
 * `seats` tickets, the tier's and the event's `reserved` equal to them, one order and one queued e-mail
 * per order answered, every other attempt told it is sold out, and no error.
 */
export function soldOutFailures(counts: SaleCounts, seats: number, attempts: number, result: SurgeResult): string[] {
  return [
    counts.tickets !== seats && `${counts.tickets} tickets issued for ${seats} seats`,
    counts.tierReserved !== counts.tickets && `the tier's reserved is ${counts.tierReserved}, tickets ${counts.tickets}`,
    counts.eventReserved !== counts.tickets && `the event's reserved is ${counts.eventReserved}, tickets ${counts.tickets}`,
    counts.orders !== result.placed && `${counts.orders} orders in the database, ${result.placed} answered`,
    counts.emails !== counts.orders && `${counts.emails} confirmation e-mails queued for ${counts.orders} orders`,
    result.errors !== 0 && `${result.errors} errors (${result.timeouts} timeouts, other answers by status ${JSON.stringify(result.unexpected)})`,
    result.placed + result.soldOut !== attempts && `${result.placed} placed + ${result.soldOut} sold out ≠ ${attempts} attempts`,
  ].filter((failure): failure is string => typeof failure === 'string')
}
