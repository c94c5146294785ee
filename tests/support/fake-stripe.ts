import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { deliver, signed, stripeEvent } from './stripe-webhooks'

/**
 * A stand-in for the Stripe API endpoints the app calls — accounts and account links (Connect),
 * Checkout Sessions (create, retrieve, expire) and refunds — on 127.0.0.1, for the real `stripe`
 * client (pointed here by STRIPE_API_BASE), plus hosted pages standing in for Checkout's (which sends
 * the signed `checkout.session.completed` webhook to the app when "paid") and for Connect onboarding
 * (which verifies the account and sends the organizer back). It deduplicates
 * nothing, not even requests with the same Idempotency-Key: every create creates, so the app's own
 * guards are what tests see. Every request is recorded, headers included.
 */

export interface RecordedStripeRequest {
  method: string
  path: string
  headers: Record<string, string | undefined>
  /** The form-encoded body as Stripe's client sends it: `capabilities[transfers][requested]` → `'true'`. */
  params: Record<string, string>
}

export interface FakeAccount {
  id: string
  object: 'account'
  type: string
  charges_enabled: boolean
  payouts_enabled: boolean
  details_submitted: boolean
  requirements: {
    currently_due: string[]
    eventually_due: string[]
    past_due: string[]
    pending_verification: string[]
    errors: unknown[]
    disabled_reason: string | null
    current_deadline: number | null
  }
  capabilities: Record<string, string>
  metadata: Record<string, string>
  created: number
}

export interface FakeCheckoutSession {
  id: string
  object: 'checkout.session'
  mode: 'payment'
  status: 'open' | 'complete' | 'expired'
  payment_status: 'unpaid' | 'paid'
  url: string | null
  amount_total: number
  currency: string
  customer_email: string | null
  client_reference_id: string | null
  metadata: Record<string, string>
  payment_intent: string | null
  expires_at: number
  success_url: string
  cancel_url: string | null
  created: number
  /** Not in Stripe's object (it lives on the payment intent): kept for tests to read. */
  application_fee_amount: number
  destination: string
}

export interface FakeRefund {
  id: string
  object: 'refund'
  payment_intent: string
  amount: number
  status: 'succeeded'
  reverse_transfer: boolean
  refund_application_fee: boolean
  metadata: Record<string, string>
}

export interface FakeStripe {
  /** `http://127.0.0.1:PORT`, for STRIPE_API_BASE. */
  url: string
  accounts: Map<string, FakeAccount>
  checkoutSessions: Map<string, FakeCheckoutSession>
  refunds: FakeRefund[]
  /** Answers every API request whose `METHOD path` starts with `prefix` with this status, until cleared (null). */
  failing: { prefix: string; status: number } | null
  /**
   * Where the hosted payment page delivers its webhook, signed with `secret` (the platform endpoint's),
   * and sends the buyer back to: the app under test listens on a port its APP_URL does not name, so
   * the origin of the return address is replaced with `url`'s. From then on account links open the
   * stand-in's onboarding page too, whose "Finish" verifies the account and returns to the app.
   */
  deliverWebhooksTo(url: string, secret: string): void
  /** What the hosted payment page does on "Pay": the session complete and paid, with a payment intent. */
  pay(sessionId: string): FakeCheckoutSession
  /** Webhook deliveries of the hosted page so far (each settles once the app answered). */
  deliveries: Promise<Response>[]
  requests: RecordedStripeRequest[]
  requestsTo(method: string, path: string): RecordedStripeRequest[]
  /** Marks an account as Stripe would once onboarding is done: charges and payouts enabled, nothing due. */
  verify(accountId: string): FakeAccount
  close(): Promise<void>
}

export const INITIAL_REQUIREMENTS = ['business_type', 'external_account', 'tos_acceptance.date']

export function fakeAccount(id: string, overrides: Partial<FakeAccount> = {}): FakeAccount {
  return {
    id,
    object: 'account',
    type: 'express',
    charges_enabled: false,
    payouts_enabled: false,
    details_submitted: false,
    requirements: {
      currently_due: [...INITIAL_REQUIREMENTS],
      eventually_due: [...INITIAL_REQUIREMENTS],
      past_due: [],
      pending_verification: [],
      errors: [],
      disabled_reason: 'requirements.past_due',
      current_deadline: null,
    },
    capabilities: { card_payments: 'inactive', transfers: 'inactive' },
    metadata: {},
    created: Math.floor(Date.now() / 1000),
    ...overrides,
  }
}

/** The same account once Stripe has verified it. */
export function verifiedAccount(account: FakeAccount): FakeAccount {
  return {
    ...account,
    charges_enabled: true,
    payouts_enabled: true,
    details_submitted: true,
    requirements: { ...account.requirements, currently_due: [], eventually_due: [], past_due: [], disabled_reason: null },
    capabilities: { card_payments: 'active', transfers: 'active' },
  }
}

/** The indexed groups of a form-encoded list: `line_items[0][quantity]` → `[{ '[quantity]': … }]`. */
function listOf(params: Record<string, string>, name: string): Record<string, string>[] {
  const items: Record<string, string>[] = []
  for (const [key, value] of Object.entries(params)) {
    const match = new RegExp(`^${name.replace(/[[\]]/g, '\\$&')}\\[(\\d+)\\](.*)$`).exec(key)
    if (match) (items[Number(match[1])] ??= {})[match[2]!] = value
  }
  return items
}

const mapOf = (params: Record<string, string>, name: string) =>
  Object.fromEntries(
    Object.entries(params)
      .filter(([key]) => key.startsWith(`${name}[`))
      .map(([key, value]) => [key.slice(name.length + 1, -1), value]),
  )

export async function startFakeStripe(): Promise<FakeStripe> {
  const accounts = new Map<string, FakeAccount>()
  const checkoutSessions = new Map<string, FakeCheckoutSession>()
  const refunds: FakeRefund[] = []
  const requests: RecordedStripeRequest[] = []
  const deliveries: Promise<Response>[] = []
  let webhookTarget: { url: string; secret: string } | null = null
  /** An account link's return address, by the link's token (hosted onboarding). */
  const onboardingReturns = new Map<string, string>()
  let baseUrl = ''
  const fake = { failing: null as FakeStripe['failing'] }

  function pay(sessionId: string): FakeCheckoutSession {
    const session = checkoutSessions.get(sessionId)
    if (!session) throw new Error(`the fake has no checkout session ${sessionId}`)
    const paid: FakeCheckoutSession = {
      ...session,
      status: 'complete',
      payment_status: 'paid',
      url: null,
      payment_intent: `pi_${randomBytes(8).toString('hex')}`,
    }
    checkoutSessions.set(sessionId, paid)
    return paid
  }

  type Reply = { status: number; body: unknown }
  const error = (status: number, message: string, code?: string): Reply => ({
    status,
    body: { error: { type: 'invalid_request_error', message, ...(code ? { code } : {}) } },
  })

  function route(method: string, path: string, params: Record<string, string>): Reply {
    if (method === 'POST' && path === '/v1/accounts') {
      const metadata = Object.fromEntries(
        Object.entries(params)
          .filter(([key]) => key.startsWith('metadata['))
          .map(([key, value]) => [key.slice('metadata['.length, -1), value]),
      )
      const account = fakeAccount(`acct_${randomBytes(8).toString('hex')}`, { type: params.type ?? 'standard', metadata })
      accounts.set(account.id, account)
      return { status: 200, body: account }
    }
    const accountPath = /^\/v1\/accounts\/(acct_\w+)$/.exec(path)
    if (method === 'GET' && accountPath) {
      const account = accounts.get(accountPath[1]!)
      return account ? { status: 200, body: account } : error(404, `No such account: '${accountPath[1]}'`)
    }
    if (method === 'POST' && path === '/v1/account_links') {
      const account = params.account ?? ''
      if (!accounts.has(account)) return error(400, `No such account: '${account}'`)
      const created = Math.floor(Date.now() / 1000)
      const token = randomBytes(8).toString('hex')
      // With an app to send people back to, the link opens the stand-in's own onboarding page.
      if (webhookTarget && params.return_url) onboardingReturns.set(token, params.return_url)
      return {
        status: 200,
        body: {
          object: 'account_link',
          created,
          expires_at: created + 300,
          url: `${webhookTarget ? baseUrl : 'https://connect.stripe.com'}/setup/e/${account}/${token}`,
        },
      }
    }
    if (method === 'POST' && path === '/v1/checkout/sessions') {
      const lines = listOf(params, 'line_items')
      if (lines.length === 0) return error(400, 'Missing required param: line_items.')
      const destination = params['payment_intent_data[transfer_data][destination]'] ?? ''
      if (!accounts.get(destination)?.charges_enabled) return error(400, `No such destination: '${destination}'`)
      const id = `cs_test_${randomBytes(12).toString('hex')}`
      const session: FakeCheckoutSession = {
        id,
        object: 'checkout.session',
        mode: 'payment',
        status: 'open',
        payment_status: 'unpaid',
        url: `${baseUrl}/checkout/${id}`,
        amount_total: lines.reduce((sum, line) => sum + Number(line['[quantity]']) * Number(line['[price_data][unit_amount]']), 0),
        currency: lines[0]!['[price_data][currency]'] ?? 'eur',
        customer_email: params.customer_email ?? null,
        client_reference_id: params.client_reference_id ?? null,
        metadata: mapOf(params, 'metadata'),
        payment_intent: null,
        expires_at: Number(params.expires_at),
        success_url: params.success_url ?? '',
        cancel_url: params.cancel_url ?? null,
        created: Math.floor(Date.now() / 1000),
        application_fee_amount: Number(params['payment_intent_data[application_fee_amount]'] ?? 0),
        destination,
      }
      checkoutSessions.set(id, session)
      return { status: 200, body: session }
    }
    const sessionPath = /^\/v1\/checkout\/sessions\/(cs_\w+)(\/expire)?$/.exec(path)
    if (sessionPath) {
      const session = checkoutSessions.get(sessionPath[1]!)
      if (!session) return error(404, `No such checkout.session: '${sessionPath[1]}'`)
      if (method === 'GET' && !sessionPath[2]) return { status: 200, body: session }
      if (method === 'POST' && sessionPath[2]) {
        if (session.status !== 'open') return error(400, `Only Checkout Sessions with a status of open can be expired.`)
        const expired: FakeCheckoutSession = { ...session, status: 'expired', url: null }
        checkoutSessions.set(session.id, expired)
        return { status: 200, body: expired }
      }
    }
    if (method === 'POST' && path === '/v1/refunds') {
      const session = [...checkoutSessions.values()].find((candidate) => candidate.payment_intent === params.payment_intent)
      if (!session) return error(400, `No such payment_intent: '${params.payment_intent}'`)
      if (refunds.some((refund) => refund.payment_intent === session.payment_intent)) {
        return error(400, `Charge for ${session.payment_intent} has already been refunded.`, 'charge_already_refunded')
      }
      const refund: FakeRefund = {
        id: `re_${randomBytes(8).toString('hex')}`,
        object: 'refund',
        payment_intent: session.payment_intent!,
        amount: session.amount_total,
        status: 'succeeded',
        reverse_transfer: params.reverse_transfer === 'true',
        refund_application_fee: params.refund_application_fee === 'true',
        metadata: mapOf(params, 'metadata'),
      }
      refunds.push(refund)
      return { status: 200, body: refund }
    }
    return error(404, `No fake for ${method} ${path}`)
  }

  /** The hosted payment page: what the buyer sees instead of Stripe's, and its "Pay" button. */
  async function hostedCheckout(req: IncomingMessage, res: ServerResponse, sessionId: string, action: string | undefined) {
    const session = checkoutSessions.get(sessionId)
    if (!session || session.status !== 'open') {
      res.writeHead(410, { 'content-type': 'text/html' })
      res.end('<!doctype html><title>Expired</title><h1>This payment page has expired.</h1>')
      return
    }
    if (req.method === 'POST' && action === '/pay') {
      const paid = pay(sessionId)
      if (webhookTarget) {
        const { body, signature } = signed(stripeEvent('checkout.session.completed', paid), { secret: webhookTarget.secret })
        // Sent after the buyer is on their way back, as Stripe's may arrive after them: the page must wait for it.
        const target = webhookTarget
        deliveries.push(new Promise((resolve) => setTimeout(resolve, 300)).then(() => deliver({ url: target.url }, { body, signature })))
      }
      const back = new URL(paid.success_url)
      res.writeHead(303, { location: webhookTarget ? `${webhookTarget.url}${back.pathname}${back.search}` : paid.success_url })
      res.end()
      return
    }
    const amount = new Intl.NumberFormat('en', { style: 'currency', currency: session.currency.toUpperCase() }).format(session.amount_total / 100)
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    res.end(`<!doctype html><meta name="viewport" content="width=device-width"><title>Pay · Stripe test</title>
<h1>Pay ${amount}</h1><p>${session.customer_email ?? ''}</p>
<form method="post" action="/checkout/${session.id}/pay"><button type="submit">Pay ${amount}</button></form>
${session.cancel_url ? `<a href="${session.cancel_url}">Back</a>` : ''}`)
  }

  /** The hosted onboarding page: what the organizer sees instead of Stripe's forms, and its "Finish" button. */
  function hostedOnboarding(req: IncomingMessage, res: ServerResponse, accountId: string, token: string, action: string | undefined) {
    const returnUrl = onboardingReturns.get(token)
    if (!returnUrl || !accounts.has(accountId) || !webhookTarget) {
      res.writeHead(410, { 'content-type': 'text/html' })
      res.end('<!doctype html><title>Expired</title><h1>This onboarding link has expired.</h1>')
      return
    }
    if (req.method === 'POST' && action === '/finish') {
      onboardingReturns.delete(token)
      accounts.set(accountId, verifiedAccount(accounts.get(accountId)!))
      const back = new URL(returnUrl)
      res.writeHead(303, { location: `${webhookTarget.url}${back.pathname}${back.search}` })
      res.end()
      return
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    res.end(`<!doctype html><meta name="viewport" content="width=device-width"><title>Payouts · Stripe test</title>
<h1>Set up payouts</h1><form method="post" action="/setup/e/${accountId}/${token}/finish"><button type="submit">Finish onboarding</button></form>`)
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake')
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')))
    const headers = Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]))
    const method = req.method ?? 'GET'
    const hosted = /^\/checkout\/(cs_\w+)(\/pay)?$/.exec(url.pathname)
    if (hosted) return hostedCheckout(req, res, hosted[1]!, hosted[2])
    const onboarding = /^\/setup\/e\/(acct_\w+)\/(\w+)(\/finish)?$/.exec(url.pathname)
    if (onboarding) return hostedOnboarding(req, res, onboarding[1]!, onboarding[2]!, onboarding[3])
    requests.push({ method, path: url.pathname, headers, params })
    const failing = fake.failing && `${method} ${url.pathname}`.startsWith(fake.failing.prefix) ? fake.failing : null
    const reply = failing ? error(failing.status, 'The fake is failing this request on purpose.') : route(method, url.pathname, params)
    res.writeHead(reply.status, { 'content-type': 'application/json', 'request-id': `req_${randomBytes(6).toString('hex')}` })
    res.end(JSON.stringify(reply.body))
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((caught: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { type: 'api_error', message: String(caught) } }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  baseUrl = `http://127.0.0.1:${port}`

  return {
    url: baseUrl,
    accounts,
    checkoutSessions,
    refunds,
    get failing() {
      return fake.failing
    },
    set failing(value) {
      fake.failing = value
    },
    deliverWebhooksTo(url, secret) {
      webhookTarget = { url, secret }
    },
    pay,
    deliveries,
    requests,
    requestsTo: (method, path) => requests.filter((request) => request.method === method && request.path === path),
    verify(accountId) {
      const account = accounts.get(accountId)
      if (!account) throw new Error(`the fake has no account ${accountId}`)
      const verified = verifiedAccount(account)
      accounts.set(accountId, verified)
      return verified
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
