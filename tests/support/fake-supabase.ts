import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, type JWK, jwtVerify, SignJWT } from 'jose'

/**
 * A stand-in for Supabase Auth (GoTrue) on 127.0.0.1, speaking the HTTP API that `@supabase/auth-js`
 * calls — `/auth/v1/token` (password and refresh_token grants), `/signup`, `/otp`, `/verify`,
 * `/logout` and the JWKS — with real access tokens signed by its own key. The app's own Supabase
 * clients talk to it over HTTP, exactly as they would to a project; tests read what it was asked.
 */

export interface FakeUser {
  id: string
  email: string
  password: string
  confirmed: boolean
  createdAt: string
}

export interface RecordedRequest {
  method: string
  path: string
  query: Record<string, string>
  headers: Record<string, string | undefined>
  body: Record<string, unknown> | null
  status: number
}

export interface OtpRequest {
  email: string
  redirectTo: string | null
  createUser: unknown
  codeChallenge: unknown
  /** What the e-mail's link would carry (`{{ .TokenHash }}` in the template). */
  tokenHash: string
  /** Whether the link was followed (it works once). */
  used: boolean
}

export interface IssuedSession {
  userId: string
  sessionId: string
  accessToken: string
  refreshToken: string
  expiresAt: number
}

export interface FakeSupabaseSettings {
  /** Whether sign-up returns a session at once (no e-mail confirmation). */
  autoConfirm: boolean
  /** Lifetime of the access tokens issued from now on; negative issues tokens that are already expired. */
  accessTokenLifetimeSeconds: number
}

export interface FakeSupabase {
  url: string
  /** `${url}/auth/v1`: the `iss` of its tokens. */
  issuer: string
  anonKey: string
  /** The signing key: its `kid` is in the JWKS, its private half signs every token the fake issues. */
  signingKey: { alg: 'ES256'; kid: string; privateKey: CryptoKey; publicJwk: JWK }
  /** The JWKS it serves; tests may add keys. */
  jwks: { keys: JWK[] }
  settings: FakeSupabaseSettings
  users: Map<string, FakeUser>
  requests: RecordedRequest[]
  otpRequests: OtpRequest[]
  sessions: IssuedSession[]
  addUser(user: { id: string; email: string; password: string }): FakeUser
  /** The requests made to one endpoint (path below /auth/v1), optionally with one grant type. */
  requestsTo(path: string, grantType?: string): RecordedRequest[]
  close(): Promise<void>
}

const apiVersion = '2024-01-01'

export async function startFakeSupabase(options: { anonKey?: string } = {}): Promise<FakeSupabase> {
  const anonKey = options.anonKey ?? 'anon-test-key'
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
  const kid = `fake-${randomBytes(4).toString('hex')}`
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig', key_ops: ['verify'] }

  const users = new Map<string, FakeUser>()
  const requests: RecordedRequest[] = []
  const otpRequests: OtpRequest[] = []
  const sessions: IssuedSession[] = []
  /** Refresh tokens not yet used (GoTrue rotates them: each works once). */
  const liveRefreshTokens = new Map<string, IssuedSession>()
  const settings: FakeSupabaseSettings = { autoConfirm: true, accessTokenLifetimeSeconds: 3600 }
  let issuer = ''

  const userJson = (user: FakeUser) => ({
    id: user.id,
    aud: 'authenticated',
    role: 'authenticated',
    email: user.email,
    email_confirmed_at: user.confirmed ? user.createdAt : null,
    phone: '',
    confirmation_sent_at: user.confirmed ? undefined : user.createdAt,
    confirmed_at: user.confirmed ? user.createdAt : null,
    last_sign_in_at: user.confirmed ? new Date().toISOString() : null,
    app_metadata: { provider: 'email', providers: ['email'] },
    user_metadata: {},
    identities: [],
    created_at: user.createdAt,
    updated_at: new Date().toISOString(),
    is_anonymous: false,
  })

  async function issueSession(user: FakeUser, method: string, sessionId: string = randomUUID()) {
    const now = Math.floor(Date.now() / 1000)
    const expiresIn = settings.accessTokenLifetimeSeconds
    const expiresAt = now + expiresIn
    const accessToken = await new SignJWT({
      email: user.email,
      phone: '',
      app_metadata: { provider: 'email', providers: ['email'] },
      user_metadata: {},
      role: 'authenticated',
      aal: 'aal1',
      amr: [{ method, timestamp: now }],
      session_id: sessionId,
      is_anonymous: false,
    })
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setSubject(user.id)
      .setAudience('authenticated')
      .setIssuedAt(now)
      .setExpirationTime(expiresAt)
      .sign(privateKey)
    const refreshToken = randomBytes(9).toString('base64url')
    const issued: IssuedSession = { userId: user.id, sessionId, accessToken, refreshToken, expiresAt }
    sessions.push(issued)
    liveRefreshTokens.set(refreshToken, issued)
    return {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: expiresIn,
      expires_at: expiresAt,
      refresh_token: refreshToken,
      user: userJson(user),
    }
  }

  const findUser = (email: unknown) => (typeof email === 'string' ? users.get(email.trim().toLowerCase()) : undefined)

  const createUser = (email: string, password: string, confirmed: boolean): FakeUser => {
    const user = { id: randomUUID(), email: email.trim().toLowerCase(), password, confirmed, createdAt: new Date().toISOString() }
    users.set(user.email, user)
    return user
  }

  type Reply = { status: number; body?: unknown }
  const error = (status: number, code: string, message: string): Reply => ({ status, body: { code, message } })

  async function route(
    method: string,
    path: string,
    query: URLSearchParams,
    headers: IncomingMessage['headers'],
    body: Record<string, unknown>,
  ): Promise<Reply> {
    if (method === 'GET' && path === '/.well-known/jwks.json') return { status: 200, body: fake.jwks }
    if (headers.apikey !== anonKey) return error(401, 'no_api_key', 'Invalid API key')

    if (method === 'POST' && path === '/token' && query.get('grant_type') === 'password') {
      const user = findUser(body.email)
      if (!user || user.password !== body.password) return error(400, 'invalid_credentials', 'Invalid login credentials')
      if (!user.confirmed) return error(400, 'email_not_confirmed', 'Email not confirmed')
      return { status: 200, body: await issueSession(user, 'password') }
    }

    if (method === 'POST' && path === '/token' && query.get('grant_type') === 'refresh_token') {
      const token = typeof body.refresh_token === 'string' ? body.refresh_token : ''
      const previous = liveRefreshTokens.get(token)
      if (!previous) {
        const used = sessions.some((session) => session.refreshToken === token)
        return used
          ? error(400, 'refresh_token_already_used', 'Invalid Refresh Token: Already Used')
          : error(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found')
      }
      liveRefreshTokens.delete(token)
      const user = [...users.values()].find((candidate) => candidate.id === previous.userId)
      if (!user) return error(403, 'user_not_found', 'User from sub claim in JWT does not exist')
      return { status: 200, body: await issueSession(user, 'password', previous.sessionId) }
    }

    if (method === 'POST' && path === '/signup') {
      if (typeof body.email !== 'string' || typeof body.password !== 'string') {
        return error(400, 'validation_failed', 'Signup requires a valid password')
      }
      if (findUser(body.email)) return error(422, 'user_already_exists', 'User already registered')
      if (body.password.length < 6) return error(422, 'weak_password', 'Password should be at least 6 characters.')
      const user = createUser(body.email, body.password, settings.autoConfirm)
      // As GoTrue answers: a session when no confirmation is needed, otherwise the bare user.
      return { status: 200, body: user.confirmed ? await issueSession(user, 'password') : userJson(user) }
    }

    if (method === 'POST' && path === '/otp') {
      if (typeof body.email !== 'string') return error(400, 'validation_failed', 'An email address is required')
      const email = body.email.trim().toLowerCase()
      if (!users.has(email)) {
        if (body.create_user === false) return error(422, 'otp_disabled', 'Signups not allowed for otp')
        createUser(email, randomBytes(16).toString('hex'), false)
      }
      const tokenHash = createHash('sha224').update(randomBytes(16)).digest('hex')
      otpRequests.push({
        email,
        redirectTo: query.get('redirect_to'),
        createUser: body.create_user,
        codeChallenge: body.code_challenge,
        tokenHash,
        used: false,
      })
      return { status: 200, body: {} }
    }

    if (method === 'POST' && path === '/verify') {
      const otp = otpRequests.find((candidate) => candidate.tokenHash === body.token_hash)
      if (!otp || otp.used || !['email', 'magiclink'].includes(String(body.type))) {
        return error(403, 'otp_expired', 'Email link is invalid or has expired')
      }
      otp.used = true
      const user = users.get(otp.email)!
      user.confirmed = true
      return { status: 200, body: await issueSession(user, 'otp') }
    }

    if (method === 'POST' && path === '/logout') {
      const token = headers.authorization?.match(/^Bearer (.+)$/)?.[1] ?? ''
      try {
        const { payload } = await jwtVerify(token, publicKey, { issuer, audience: 'authenticated' })
        for (const [refreshToken, session] of liveRefreshTokens) {
          if (query.get('scope') === 'global' ? session.userId === payload.sub : session.sessionId === payload.session_id) {
            liveRefreshTokens.delete(refreshToken)
          }
        }
        return { status: 204 }
      } catch {
        return error(403, 'bad_jwt', 'invalid JWT: unable to parse or verify signature')
      }
    }

    return error(404, 'not_found', `No fake for ${method} ${path}`)
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake')
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const text = Buffer.concat(chunks).toString('utf8')
    let body: Record<string, unknown> | null = null
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : null
    } catch {
      body = null
    }
    const path = url.pathname.startsWith('/auth/v1') ? url.pathname.slice('/auth/v1'.length) : url.pathname
    const reply = url.pathname.startsWith('/auth/v1/')
      ? await route(req.method ?? 'GET', path, url.searchParams, req.headers, body ?? {})
      : error(404, 'not_found', 'Only /auth/v1 is faked')
    requests.push({
      method: req.method ?? 'GET',
      path,
      query: Object.fromEntries(url.searchParams),
      headers: { apikey: req.headers.apikey as string | undefined, authorization: req.headers.authorization },
      body,
      status: reply.status,
    })
    res.writeHead(reply.status, { 'content-type': 'application/json', 'x-supabase-api-version': apiVersion })
    res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body))
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((cause: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ code: 'unexpected_failure', message: String(cause) }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}`
  issuer = `${url}/auth/v1`

  const fake: FakeSupabase = {
    url,
    issuer,
    anonKey,
    signingKey: { alg: 'ES256', kid, privateKey, publicJwk },
    jwks: { keys: [publicJwk] },
    settings,
    users,
    requests,
    otpRequests,
    sessions,
    addUser: ({ id, email, password }) => {
      const user = { id, email: email.toLowerCase(), password, confirmed: true, createdAt: new Date().toISOString() }
      users.set(user.email, user)
      return user
    },
    requestsTo: (endpoint, grantType) => requests.filter((request) => request.path === endpoint && (!grantType || request.query.grant_type === grantType)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
  return fake
}
