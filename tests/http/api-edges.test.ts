import { beforeAll, expect, it } from 'vitest'
import { describeEachDatabase } from '../support/databases'
import { signUp } from '../support/organizers'
import { useTestServer } from '../support/server'

type Answer = { status: number; body: unknown; retryAfter: string | null }

/*
 * The typed API's edges: batches are bounded, queries are rate-limited like mutations, and a request
 * the libraries cannot even read gets our own 400 — never their internal wording, never a 500.
 */
describeEachDatabase('the typed API at its edges', (kind) => {
  const { server } = useTestServer(kind, { RATE_LIMIT_QUERIES_PER_CLIENT: '40' })
  let organizer: Awaited<ReturnType<typeof signUp>>
  const tried: Answer[] = []
  beforeAll(async () => {
    organizer = await signUp(server, 'api-edges')
  })

  async function send(path: string, init: { method?: string; body?: string; token?: string | null; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...init.headers }
    const token = init.token === undefined ? organizer.token : init.token
    if (token) headers.authorization = `Bearer ${token}`
    const response = await fetch(`${server.url}/api/trpc/${path}`, { method: init.method ?? 'GET', headers, body: init.body })
    const text = await response.text()
    const answer = { status: response.status, body: text ? (JSON.parse(text) as unknown) : null, retryAfter: response.headers.get('retry-after') }
    tried.push(answer)
    return answer
  }
  const messagesOf = (answer: Answer) => JSON.stringify(answer.body)

  it('refuses a batch of more than 10 calls with a clear 400, and serves one of 10', async () => {
    const paths = (n: number) => Array.from({ length: n }, () => 'auth.me').join(',')
    const eleven = await send(`${paths(11)}?batch=1`)
    expect(eleven.status).toBe(400)
    expect(messagesOf(eleven)).toContain('A batch may hold at most 10 calls; this one has 11.')
    const ten = await send(`${paths(10)}?batch=1`)
    expect(ten.status).toBe(200)
  })

  it('answers our own 400 to input the libraries cannot read', async () => {
    const unreadable = [
      { method: 'POST', path: 'orgs.create', body: 'null' },
      { method: 'POST', path: 'orgs.create', body: '"text"' },
      { method: 'POST', path: 'orgs.create', body: '{"json":{"name":"x"},"meta":{"values":{"name":["class","Evil"]}}}' },
      { method: 'POST', path: 'orgs.create', body: '{"json":{"name":"x"},"meta":{"values":{"name":["custom","Evil"]}}}' },
      { method: 'POST', path: 'orgs.create', body: '{"json":' },
      { method: 'GET', path: `events.bySlug?input=${encodeURIComponent('null')}` },
      { method: 'GET', path: `events.bySlug?input=${encodeURIComponent('{"json":{"slug":"a"},"meta":{"values":{"slug":["class","X"]}}}')}` },
    ]
    for (const { method, path, body } of unreadable) {
      const answer = await send(path, { method, body })
      expect(answer.status, `${path} ${body}`).toBe(400)
      const text = messagesOf(answer)
      expect(text, `${path} ${body}`).toContain('The request is not valid tRPC input')
      expect(text).not.toMatch(/destructure|unknown class|Unexpected token|Unexpected end|JSON at position|Batch call|needs to be/i)
    }
  })

  it('limits queries per user, and per IP for visitors who are not signed in, with Retry-After', async () => {
    let answer: Answer | undefined
    for (let i = 0; i < 41; i++) answer = await send('auth.me')
    expect(answer!.status).toBe(429)
    expect(Number(answer!.retryAfter)).toBeGreaterThan(0)
    let anonymous: Answer | undefined
    const input = encodeURIComponent(JSON.stringify({ json: { slug: 'nothing-here' } }))
    for (let i = 0; i < 41; i++) anonymous = await send(`events.bySlug?input=${input}`, { token: null })
    expect(anonymous!.status).toBe(429)
  })

  it('gave no 5xx', () => {
    console.info(`[${kind}] api edges: ${tried.length} requests, ${tried.filter((a) => a.status >= 500).length} answered 5xx`)
    expect(tried.filter((answer) => answer.status >= 500)).toEqual([])
  })
})
