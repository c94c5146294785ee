import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A stand-in for the few Stripe API endpoints the app calls — `POST /v1/accounts`,
 * `GET /v1/accounts/:id`, `POST /v1/account_links` — on 127.0.0.1, for the real `stripe` client
 * (pointed here by STRIPE_API_BASE). It deduplicates nothing, not even requests with the same
 * Idempotency-Key: every create creates, so the app's own guards are what tests see. Every request
 * is recorded, headers included.
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

export interface FakeStripe {
  /** `http://127.0.0.1:PORT`, for STRIPE_API_BASE. */
  url: string
  accounts: Map<string, FakeAccount>
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

export async function startFakeStripe(): Promise<FakeStripe> {
  const accounts = new Map<string, FakeAccount>()
  const requests: RecordedStripeRequest[] = []

  type Reply = { status: number; body: unknown }
  const error = (status: number, message: string): Reply => ({
    status,
    body: { error: { type: 'invalid_request_error', message } },
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
      return {
        status: 200,
        body: {
          object: 'account_link',
          created,
          expires_at: created + 300,
          url: `https://connect.stripe.com/setup/e/${account}/${randomBytes(8).toString('hex')}`,
        },
      }
    }
    return error(404, `No fake for ${method} ${path}`)
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake')
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')))
    const headers = Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]))
    const method = req.method ?? 'GET'
    requests.push({ method, path: url.pathname, headers, params })
    const reply = route(method, url.pathname, params)
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

  return {
    url: `http://127.0.0.1:${port}`,
    accounts,
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
