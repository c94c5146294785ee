import { randomBytes, randomUUID } from 'node:crypto'
import { createTRPCClient, httpLink } from '@trpc/client'
import { eq } from 'drizzle-orm'
import { exportJWK, generateKeyPair, type JWK, jwtVerify, SignJWT } from 'jose'
import superjson from 'superjson'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { asServiceRole } from '../../db/rls'
import { organizationMembers, organizations } from '../../db/schema'
import type { AppRouter } from '../../server/trpc/root'
import { describeEachDatabase, openTestDatabase, randomSuffix, type TestDatabase } from '../support/databases'
import { type FakeSupabase, startFakeSupabase } from '../support/fake-supabase'
import { createOrganization, createUser, type TestUser } from '../support/fixtures'
import { PASSWORD } from '../support/organizers'
import { apiClient, cookiesOf, postForm, startTestServer, type TestServer } from '../support/server'

const ANON_KEY = 'anon-test-key'
const APP_URL = 'http://events.example.test'

/** Supabase's session cookie, `sb-<project>-auth-token`, maybe in chunks `.0`, `.1`… */
const sessionCookiePattern = /^sb-[^=]+-auth-token(?:\.\d+)?=/
const sessionCookiesOf = (response: Response) => response.headers.getSetCookie().filter((cookie) => sessionCookiePattern.test(cookie))

/** What a browser keeps between requests: cookies set, replaced, and removed when they expire. */
class CookieJar {
  private readonly cookies = new Map<string, string>()

  apply(response: Response): this {
    for (const setCookie of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = setCookie.split(';').map((part) => part.trim())
      const name = pair.slice(0, pair.indexOf('='))
      const value = pair.slice(pair.indexOf('=') + 1)
      const expired = attributes.some((attribute) => {
        const [key = '', setting = ''] = attribute.split('=')
        if (/^max-age$/i.test(key)) return Number(setting) <= 0
        if (/^expires$/i.test(key)) return new Date(setting).getTime() <= Date.now()
        return false
      })
      if (expired || value === '') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    return this
  }

  get header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  get sessionCookieNames(): string[] {
    return [...this.cookies.keys()].filter((name) => sessionCookiePattern.test(`${name}=`))
  }
}

/** `auth.me` over plain HTTP, with a cookie or a bearer token, as a browser or a script sends it. */
async function whoAmI(server: TestServer, credentials: { cookie?: string; token?: string }) {
  const headers: Record<string, string> = {}
  if (credentials.cookie) headers.cookie = credentials.cookie
  if (credentials.token) headers.authorization = `Bearer ${credentials.token}`
  const response = await fetch(`${server.url}/api/trpc/auth.me`, { headers })
  const body = (await response.json()) as {
    result?: { data: { json: { user: { id: string; email: string | null }; organizations: { id: string }[] } } }
  }
  return { status: response.status, response, me: body.result?.data.json ?? null }
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

describeEachDatabase('Supabase sign-in', (kind) => {
  let database: TestDatabase
  let fake: FakeSupabase
  /** A second key the project publishes (RS256), as during a key rotation. */
  let rsaKey: { kid: string; privateKey: CryptoKey }
  /** A key pair the project never published. */
  let strangerKey: CryptoKey

  beforeAll(async () => {
    database = await openTestDatabase(kind)
    fake = await startFakeSupabase({ anonKey: ANON_KEY })
    const rsa = await generateKeyPair('RS256', { extractable: true })
    rsaKey = { kid: `rsa-${randomSuffix()}`, privateKey: rsa.privateKey }
    const rsaJwk: JWK = { ...(await exportJWK(rsa.publicKey)), kid: rsaKey.kid, alg: 'RS256', use: 'sig' }
    fake.jwks.keys.push(rsaJwk)
    strangerKey = (await generateKeyPair('ES256')).privateKey
  })
  afterAll(async () => {
    await fake?.close()
    await database?.close()
  })

  const supabaseEnv = (extra: Record<string, string> = {}) => ({
    AUTH_MODE: 'supabase',
    SUPABASE_URL: fake.url,
    SUPABASE_ANON_KEY: ANON_KEY,
    ...extra,
  })

  /** A Supabase access token for `user`; every part can be varied to see it refused. */
  async function accessToken(
    user: TestUser,
    options: {
      key?: CryptoKey | Uint8Array
      alg?: string
      kid?: string | null
      issuer?: string
      audience?: string
      expiresAt?: number
      claims?: Record<string, unknown>
    } = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000)
    const alg = options.alg ?? 'ES256'
    const kid = options.kid === undefined ? fake.signingKey.kid : options.kid
    return new SignJWT({ email: user.email, role: 'authenticated', session_id: randomUUID(), ...options.claims })
      .setProtectedHeader({ alg, typ: 'JWT', ...(kid ? { kid } : {}) })
      .setIssuer(options.issuer ?? fake.issuer)
      .setSubject(user.id)
      .setAudience(options.audience ?? 'authenticated')
      .setIssuedAt(now)
      .setExpirationTime(options.expiresAt ?? now + 600)
      .sign(options.key ?? fake.signingKey.privateKey)
  }

  /** The organizations of that name, read as the service role (past RLS). */
  const organizationsNamed = (name: string) => asServiceRole(database.db, (tx) => tx.select().from(organizations).where(eq(organizations.name, name)))

  async function expectOrganizationCreated(server: TestServer, token: string, user: TestUser) {
    const name = `Accepted ${randomSuffix()}`
    const created = await apiClient(server.url, token).orgs.create.mutate({ name })
    expect(created).toMatchObject({ name, role: 'owner' })
    const [row] = await organizationsNamed(name)
    expect(row).toMatchObject({ id: created.id, createdBy: user.id })
    const members = await asServiceRole(database.db, (tx) => tx.select().from(organizationMembers).where(eq(organizationMembers.organizationId, created.id)))
    expect(members).toEqual([expect.objectContaining({ userId: user.id, role: 'owner' })])
  }

  async function expectRefused(server: TestServer, token: string) {
    const name = `Refused ${randomSuffix()}`
    const response = await fetch(`${server.url}/api/trpc/orgs.create`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ json: { name } }),
    })
    expect(response.status).toBe(401)
    const body = await response.text()
    expect(body).toContain('UNAUTHORIZED')
    expect(body).not.toContain('stack')
    expect(await organizationsNamed(name)).toEqual([])
  }

  describe('access tokens checked against the project JWKS', () => {
    let server: TestServer
    let user: TestUser
    beforeAll(async () => {
      server = await startTestServer(database, supabaseEnv())
      user = await createUser(database.db, 'jwks')
    })
    afterAll(() => server?.close())

    it('accepts an ES256 token signed by a published key: the organization is created for its subject', async () => {
      await expectOrganizationCreated(server, await accessToken(user), user)
    })

    it('accepts an RS256 token signed by another published key', async () => {
      const token = await accessToken(user, { alg: 'RS256', kid: rsaKey.kid, key: rsaKey.privateKey })
      await expectOrganizationCreated(server, token, user)
    })

    const now = () => Math.floor(Date.now() / 1000)
    it.each<[string, () => Promise<string>]>([
      ['an expired token', () => accessToken(user, { expiresAt: now() - 60 })],
      ['a token signed by another key pair under a published kid', () => accessToken(user, { key: strangerKey })],
      ['a token signed by another key pair under an unknown kid', () => accessToken(user, { key: strangerKey, kid: 'unknown-kid' })],
      ['a token for another audience', () => accessToken(user, { audience: 'anon' })],
      ['a token from another issuer', () => accessToken(user, { issuer: 'https://another-project.supabase.co/auth/v1' })],
      [
        'an unsecured token (alg none)',
        async () => {
          const payload = { iss: fake.issuer, sub: user.id, aud: 'authenticated', role: 'authenticated', iat: now(), exp: now() + 600 }
          return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(payload)}.`
        },
      ],
      ['an HS256 token where a JWKS key is expected', () => accessToken(user, { alg: 'HS256', key: randomBytes(48) })],
      ['an HS256 token keyed with the anon key', () => accessToken(user, { alg: 'HS256', kid: null, key: new TextEncoder().encode(ANON_KEY) })],
      ['a correctly signed service_role token', () => accessToken(user, { claims: { role: 'service_role' } })],
      ['a correctly signed postgres token', () => accessToken(user, { claims: { role: 'postgres' } })],
      ['a correctly signed anon token', () => accessToken(user, { claims: { role: 'anon' } })],
    ])('refuses %s (401, nothing written)', async (_label, makeToken) => {
      await expectRefused(server, await makeToken())
    })
  })

  describe('access tokens signed with the legacy shared secret (SUPABASE_JWT_SECRET)', () => {
    let server: TestServer
    let user: TestUser
    const secret = randomBytes(32).toString('base64url')
    beforeAll(async () => {
      server = await startTestServer(database, supabaseEnv({ SUPABASE_JWT_SECRET: secret }))
      user = await createUser(database.db, 'secret')
    })
    afterAll(() => server?.close())

    it('accepts an HS256 token signed with the secret', async () => {
      const token = await accessToken(user, { alg: 'HS256', kid: null, key: new TextEncoder().encode(secret) })
      await expectOrganizationCreated(server, token, user)
    })

    it('refuses an ES256 token, even one signed by a key the JWKS publishes', async () => {
      await expectRefused(server, await accessToken(user))
    })

    it('refuses an HS256 token signed with another secret', async () => {
      const token = await accessToken(user, { alg: 'HS256', kid: null, key: new TextEncoder().encode(`${secret}-not`) })
      await expectRefused(server, token)
    })
  })

  describe('sign-in flows through Supabase Auth', () => {
    let server: TestServer
    beforeAll(async () => {
      server = await startTestServer(database, supabaseEnv({ APP_URL, RATE_LIMIT_AUTH_PER_IP: '1000' }))
    })
    afterAll(() => server?.close())
    afterEach(() => {
      fake.settings.autoConfirm = true
      fake.settings.accessTokenLifetimeSeconds = 3600
    })

    /** An account as Supabase holds it: the row in auth.users and the password in Supabase Auth. */
    async function supabaseAccount(label: string) {
      const user = await createUser(database.db, label)
      fake.addUser({ id: user.id, email: user.email, password: PASSWORD })
      return user
    }

    const signInForm = (user: TestUser, password = PASSWORD) =>
      postForm(server, '/sign-in', { email: user.email, password, intent: 'password', redirectTo: '/organizations' })

    it('signs in with the form: Supabase session cookies (HttpOnly) that identify the user', async () => {
      const user = await supabaseAccount('form')
      const grantsBefore = fake.requestsTo('/token', 'password').length

      const response = await signInForm(user)
      expect(response.status).toBe(302)
      expect(response.headers.get('location')).toBe('/organizations')
      const grants = fake.requestsTo('/token', 'password')
      expect(grants).toHaveLength(grantsBefore + 1)
      expect(grants.at(-1)).toMatchObject({ body: { email: user.email, password: PASSWORD }, headers: { apikey: ANON_KEY }, status: 200 })

      const cookies = sessionCookiesOf(response)
      expect(cookies.length).toBeGreaterThan(0)
      for (const cookie of cookies) {
        expect(cookie).toMatch(/;\s*HttpOnly/i)
        expect(cookie).toMatch(/;\s*SameSite=Lax/i)
        expect(cookie).toMatch(/;\s*Path=\//i)
      }

      const { status, me } = await whoAmI(server, { cookie: cookiesOf(response) })
      expect(status).toBe(200)
      expect(me?.user).toEqual({ id: user.id, email: user.email })
    })

    it('shows the sign-in page again (401) with a wrong password, and sets no session', async () => {
      const user = await supabaseAccount('wrong')
      const response = await signInForm(user, 'Not-The-Password-1')
      expect(response.status).toBe(401)
      expect(await response.text()).toContain('The e-mail or password is not right.')
      expect(sessionCookiesOf(response)).toEqual([])
      expect(fake.requestsTo('/token', 'password').at(-1)).toMatchObject({ body: { email: user.email }, status: 400 })
    })

    it('signs out: the session cookies are removed and the session revoked at Supabase', async () => {
      const user = await supabaseAccount('signout')
      const jar = new CookieJar().apply(await signInForm(user))
      expect(jar.sessionCookieNames.length).toBeGreaterThan(0)
      const session = fake.sessions.at(-1)!
      expect(session.userId).toBe(user.id)
      expect((await whoAmI(server, { cookie: jar.header })).status).toBe(200)

      const response = await postForm(server, '/sign-out', {}, { cookie: jar.header })
      expect(response.status).toBe(302)
      expect(response.headers.get('location')).toBe('/')
      jar.apply(response)
      expect(jar.sessionCookieNames).toEqual([])
      expect(fake.requestsTo('/logout').at(-1)).toMatchObject({
        query: { scope: 'local' },
        headers: { authorization: `Bearer ${session.accessToken}` },
        status: 204,
      })

      const after = await whoAmI(server, { cookie: jar.header })
      expect(after.status).toBe(401)
    })

    it('signs in through the typed API: an access token that works as a bearer token', async () => {
      const user = await supabaseAccount('typed')
      const organization = await createOrganization(database.db, user)

      const signedIn = await apiClient(server.url).auth.signIn.mutate({ email: user.email, password: PASSWORD })
      const issued = fake.sessions.at(-1)!
      expect(signedIn).toEqual({
        accessToken: issued.accessToken,
        expiresAt: new Date(issued.expiresAt * 1000),
        user: { id: user.id, email: user.email },
      })
      const { payload } = await jwtVerify(signedIn.accessToken, fake.signingKey.publicJwk, { issuer: fake.issuer })
      expect(payload).toMatchObject({ sub: user.id, role: 'authenticated', aud: 'authenticated' })

      const me = await apiClient(server.url, signedIn.accessToken).auth.me.query()
      expect(me).toEqual({
        user: { id: user.id, email: user.email },
        organizations: [expect.objectContaining({ id: organization.id, role: 'owner' })],
      })
    })

    /** A typed client that also keeps the HTTP responses, to see the cookies they set. */
    function recordingClient() {
      const responses: Response[] = []
      const client = createTRPCClient<AppRouter>({
        links: [
          httpLink({
            url: `${server.url}/api/trpc`,
            transformer: superjson,
            fetch: async (input, init) => {
              const response = await fetch(input as RequestInfo, init as RequestInit)
              responses.push(response)
              return response
            },
          }),
        ],
      })
      return { client, responses }
    }

    it('signs up and in at once when Supabase confirms the account right away', async () => {
      const email = `new-${randomSuffix()}@example.test`
      const { client, responses } = recordingClient()
      const result = await client.auth.signUp.mutate({ email, password: PASSWORD })

      const account = fake.users.get(email)
      expect(account).toMatchObject({ email, password: PASSWORD, confirmed: true })
      expect(result).toEqual({
        confirmationRequired: false,
        accessToken: fake.sessions.at(-1)!.accessToken,
        expiresAt: new Date(fake.sessions.at(-1)!.expiresAt * 1000),
        user: { id: account!.id, email },
      })
      if (result.confirmationRequired) throw new Error('unreachable')

      const byToken = await whoAmI(server, { token: result.accessToken })
      expect(byToken.status).toBe(200)
      expect(byToken.me?.user).toEqual({ id: account!.id, email })

      expect(responses).toHaveLength(1)
      expect(sessionCookiesOf(responses[0]!).length).toBeGreaterThan(0)
      const byCookie = await whoAmI(server, { cookie: cookiesOf(responses[0]!) })
      expect(byCookie.status).toBe(200)
      expect(byCookie.me?.user.id).toBe(account!.id)
    })

    it('reports that confirmation is required when Supabase returns no session', async () => {
      fake.settings.autoConfirm = false
      const email = `unconfirmed-${randomSuffix()}@example.test`
      const { client, responses } = recordingClient()
      const result = await client.auth.signUp.mutate({ email, password: PASSWORD })

      const account = fake.users.get(email)
      expect(account).toMatchObject({ confirmed: false })
      expect(result).toEqual({ confirmationRequired: true, user: { id: account!.id, email } })
      expect(sessionCookiesOf(responses[0]!)).toEqual([])
      expect(fake.sessions.some((session) => session.userId === account!.id)).toBe(false)
    })

    it('sends a sign-in link that leads back to /auth/confirm, which turns it into session cookies', async () => {
      const user = await supabaseAccount('link')
      const page = await postForm(server, '/sign-in', { email: user.email, intent: 'link' })
      expect(page.status).toBe(200)
      expect((await page.text()).replaceAll('<!-- -->', '')).toContain(`We sent a sign-in link to ${user.email}`)
      const otp = fake.otpRequests.at(-1)!
      expect(otp).toMatchObject({ email: user.email, redirectTo: `${APP_URL}/auth/confirm` })

      const confirmed = await fetch(`${server.url}/auth/confirm?token_hash=${otp.tokenHash}&type=email&next=/organizations`, {
        redirect: 'manual',
      })
      expect(confirmed.status).toBe(302)
      expect(confirmed.headers.get('location')).toBe('/organizations')
      const cookies = sessionCookiesOf(confirmed)
      expect(cookies.length).toBeGreaterThan(0)
      for (const cookie of cookies) expect(cookie).toMatch(/;\s*HttpOnly/i)
      expect(fake.requestsTo('/verify').at(-1)).toMatchObject({ body: { type: 'email', token_hash: otp.tokenHash }, status: 200 })

      const { status, me } = await whoAmI(server, { cookie: cookiesOf(confirmed) })
      expect(status).toBe(200)
      expect(me?.user.id).toBe(user.id)
    })

    it('sends a confirmed link home when its next= would leave the app (a tab, a backslash, another host)', async () => {
      for (const next of ['/\t/evil.example', '/\\evil.example', '//evil。example', 'https://evil.example/']) {
        const user = await supabaseAccount('next')
        await postForm(server, '/sign-in', { email: user.email, intent: 'link' })
        const tokenHash = fake.otpRequests.at(-1)!.tokenHash
        const confirmed = await fetch(`${server.url}/auth/confirm?${new URLSearchParams({ token_hash: tokenHash, type: 'email', next })}`, {
          redirect: 'manual',
        })
        expect(confirmed.status, JSON.stringify(next)).toBe(302)
        expect(confirmed.headers.get('location'), JSON.stringify(next)).toBe('/')
      }
    })

    it.each<[string, () => Promise<string>]>([
      ['a token hash Supabase never issued', async () => randomBytes(28).toString('hex')],
      [
        'a link already used',
        async () => {
          const user = await supabaseAccount('reused')
          await postForm(server, '/sign-in', { email: user.email, intent: 'link' })
          const tokenHash = fake.otpRequests.at(-1)!.tokenHash
          const first = await fetch(`${server.url}/auth/confirm?token_hash=${tokenHash}&type=email`, { redirect: 'manual' })
          expect(first.status).toBe(302)
          return tokenHash
        },
      ],
    ])('answers %s with "This link did not work" and no session', async (_label, makeTokenHash) => {
      const tokenHash = await makeTokenHash()
      const response = await fetch(`${server.url}/auth/confirm?token_hash=${tokenHash}&type=email`, { redirect: 'manual' })
      expect(response.headers.get('location')).toBeNull()
      expect(await response.text()).toContain('This link did not work')
      expect(sessionCookiesOf(response)).toEqual([])
      expect(fake.requestsTo('/verify').at(-1)).toMatchObject({ body: { token_hash: tokenHash }, status: 403 })
    })

    it('refreshes an expired session from its cookies: new cookies, and the request itself is signed in', async () => {
      const user = await supabaseAccount('refresh')
      fake.settings.accessTokenLifetimeSeconds = -30
      const jar = new CookieJar().apply(await signInForm(user))
      fake.settings.accessTokenLifetimeSeconds = 3600
      const expired = fake.sessions.at(-1)!
      expect(expired.userId).toBe(user.id)
      // The access token in the cookies has really expired: on its own it is refused.
      expect((await whoAmI(server, { token: expired.accessToken })).status).toBe(401)
      const refreshesBefore = fake.requestsTo('/token', 'refresh_token').length

      const { status, me, response } = await whoAmI(server, { cookie: jar.header })
      expect(status).toBe(200)
      expect(me?.user).toEqual({ id: user.id, email: user.email })
      const refreshes = fake.requestsTo('/token', 'refresh_token').slice(refreshesBefore)
      expect(refreshes).toEqual([expect.objectContaining({ body: { refresh_token: expired.refreshToken }, status: 200 })])
      const renewed = sessionCookiesOf(response)
      expect(renewed.length).toBeGreaterThan(0)
      for (const cookie of renewed) expect(cookie).toMatch(/;\s*HttpOnly/i)

      // The renewed cookies carry the new session: they work without another refresh.
      jar.apply(response)
      const fresh = fake.sessions.at(-1)!
      expect(fresh).toMatchObject({ userId: user.id, sessionId: expired.sessionId })
      expect(fresh.accessToken).not.toBe(expired.accessToken)
      const next = await whoAmI(server, { cookie: jar.header })
      expect(next.status).toBe(200)
      expect(next.me?.user.id).toBe(user.id)
      expect(fake.requestsTo('/token', 'refresh_token')).toHaveLength(refreshesBefore + 1)
    })
  })
})
