import { expect, it } from 'vitest'
import { describeEachDatabase, randomSuffix } from '../support/databases'
import { PASSWORD } from '../support/organizers'
import { apiClient, failureOf, postForm, useTestServer } from '../support/server'

const WINDOW_SECONDS = 4
/** Small, so the test waits little; the delay would grow to it after a few failures. */
const SLOWDOWN_MAX_MS = 400
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describeEachDatabase('rate limits', (kind) => {
  const { server } = useTestServer(kind, {
    TRUST_PROXY: 'true',
    RATE_LIMIT_AUTH_PER_IP: '3',
    RATE_LIMIT_AUTH_FAILURES_PER_ACCOUNT: '2',
    RATE_LIMIT_AUTH_WINDOW_SECONDS: String(WINDOW_SECONDS),
    RATE_LIMIT_AUTH_SLOWDOWN_MAX_MS: String(SLOWDOWN_MAX_MS),
    RATE_LIMIT_MUTATIONS_PER_USER: '2',
    RATE_LIMIT_MUTATIONS_WINDOW_SECONDS: String(WINDOW_SECONDS),
  })

  /** Each test speaks from its own client address (through the trusted proxy header). */
  let nextAddress = 1
  const fromIp = () => ({ 'x-forwarded-for': `203.0.113.${nextAddress++}, 10.0.0.1` })
  const signIn = (headers: Record<string, string>, email: string, password: string) =>
    fetch(`${server.url}/api/trpc/auth.signIn`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ json: { email, password } }),
    })

  it('limits sign-in attempts per client address, answers Retry-After, and recovers', async () => {
    const ip = fromIp()
    // A different account each time, so only the per-address limit is in play.
    const email = () => `limited-${randomSuffix()}@example.test`
    for (let attempt = 0; attempt < 3; attempt++) expect((await signIn(ip, email(), 'wrong-password-1')).status).toBe(401)
    const limited = await signIn(ip, email(), 'wrong-password-1')
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(WINDOW_SECONDS)
    expect(await limited.text()).toContain('TOO_MANY_REQUESTS')

    // Another address is not affected.
    expect((await signIn(fromIp(), email(), 'wrong-password-1')).status).toBe(401)

    await sleep(WINDOW_SECONDS * 1000 + 200)
    expect((await signIn(ip, email(), 'wrong-password-1')).status).toBe(401)
  })

  it('refuses an address that keeps failing on an account, but never locks the owner out from their own address', async () => {
    const email = `account-${randomSuffix()}@example.test`
    await apiClient(server.url, undefined, fromIp()).auth.signUp.mutate({ email, password: PASSWORD })
    const attacker = fromIp()
    expect((await signIn(attacker, email, 'wrong-password-1')).status).toBe(401)
    expect((await signIn(attacker, email, 'wrong-password-2')).status).toBe(401)
    // That address is done with this account for the window, even with the right password.
    const refused = await signIn(attacker, email.toUpperCase(), PASSWORD)
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(WINDOW_SECONDS)
    // More addresses join in: each gets its own two failures.
    const accomplice = fromIp()
    expect((await signIn(accomplice, email, 'wrong-password-3')).status).toBe(401)
    expect((await signIn(accomplice, email, 'wrong-password-4')).status).toBe(401)

    // The owner signs in from their own address with the right password: held back, not refused.
    const started = performance.now()
    const owner = await signIn(fromIp(), email, PASSWORD)
    expect(owner.status).toBe(200)
    expect(performance.now() - started).toBeGreaterThanOrEqual(SLOWDOWN_MAX_MS)
  })

  it('limits sign-ups per address too, and shows the form a clear message', async () => {
    const ip = fromIp()
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await postForm(server, '/sign-up', { email: `new-${randomSuffix()}@example.test`, password: PASSWORD }, { headers: ip })
      expect(response.status).toBe(302)
    }
    const limited = await postForm(server, '/sign-up', { email: `new-${randomSuffix()}@example.test`, password: PASSWORD }, { headers: ip })
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/)
    expect(await limited.text()).toContain('Too many attempts. Please wait a moment and try again.')
  })

  it('limits mutations per user, and recovers', async () => {
    const email = `busy-${randomSuffix()}@example.test`
    const session = await apiClient(server.url, undefined, fromIp()).auth.signUp.mutate({ email, password: PASSWORD })
    if (session.confirmationRequired) throw new Error('unexpected')
    const api = apiClient(server.url, session.accessToken, fromIp())
    await api.orgs.create.mutate({ name: 'One' })
    await api.orgs.create.mutate({ name: 'Two' })
    const limited = await failureOf(api.orgs.create.mutate({ name: 'Three' }))
    expect(limited.data?.code).toBe('TOO_MANY_REQUESTS')
    expect(limited.data?.httpStatus).toBe(429)
    // Reads are not limited.
    expect((await api.auth.me.query()).organizations).toHaveLength(2)

    await sleep(WINDOW_SECONDS * 1000 + 200)
    await api.orgs.create.mutate({ name: 'Three' })
    expect((await api.auth.me.query()).organizations).toHaveLength(3)
  })
})
