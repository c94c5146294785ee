import { randomUUID } from 'node:crypto'
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client'
import superjson from 'superjson'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../../db/client'
import { MAX_BODY_BYTES } from '../../server/trpc/http'
import type { AppRouter } from '../../server/trpc/root'
import { describeEachDatabase, MIGRATION_COUNT } from '../support/databases'
import { createUser } from '../support/fixtures'
import { signTestToken, startTestServer, useTestServer } from '../support/server'

describeEachDatabase('the HTTP server', (kind) => {
  const { server, database } = useTestServer(kind)

  it('reports health: the database kind and the migration state', async () => {
    const response = await fetch(`${server.url}/healthz`)
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(await response.json()).toEqual({
      ok: true,
      database: { kind, reachable: true },
      migrations: { applied: MIGRATION_COUNT, expected: MIGRATION_COUNT, pending: 0, upToDate: true },
    })
  })

  it('serves pages with a request id and security headers, inline scripts carrying the nonce', async () => {
    const response = await fetch(`${server.url}/`)
    expect(response.status).toBe(200)
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    expect(response.headers.get('x-powered-by')).toBeNull()
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    const csp = response.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).toContain("object-src 'none'")
    expect(csp).not.toContain('unsafe-inline')
    const nonce = csp.match(/'nonce-([^']+)'/)?.[1]
    expect(nonce).toBeTruthy()
    const html = await response.text()
    const inlineScripts = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)]
    expect(inlineScripts.length).toBeGreaterThan(0)
    for (const [, attributes] of inlineScripts) expect(attributes).toContain(`nonce="${nonce}"`)

    const second = await fetch(`${server.url}/`)
    expect(second.headers.get('content-security-policy')).not.toContain(nonce)
  })

  it('keeps a well-formed request id from a proxy, and replaces a malformed one', async () => {
    const kept = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'lb-1234.abc' } })
    expect(kept.headers.get('x-request-id')).toBe('lb-1234.abc')
    const replaced = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'bad id <script>' } })
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('serves the public files for an hour and the fingerprinted assets for a year; other paths reach the pages', async () => {
    const favicon = await fetch(`${server.url}/favicon.svg`)
    expect(favicon.status).toBe(200)
    expect(favicon.headers.get('content-type')).toContain('image/svg+xml')
    expect(favicon.headers.get('cache-control')).toBe('public, max-age=3600')
    const html = await (await fetch(`${server.url}/sign-in`)).text()
    const asset = html.match(/\/assets\/[\w.-]+\.js/)?.[0]
    expect(asset).toBeTruthy()
    const script = await fetch(`${server.url}${asset}`)
    expect(script.status).toBe(200)
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    const missing = await fetch(`${server.url}/favicon.svg.bak`)
    expect(missing.status).toBe(404)
    expect(await missing.text()).toContain('Page not found')
  })

  it('answers an unknown page with a helpful 404 page, not a stack trace', async () => {
    const response = await fetch(`${server.url}/no/such/page`)
    expect(response.status).toBe(404)
    const html = await response.text()
    expect(html).toContain('Page not found')
    expect(html).not.toMatch(/at .+\.(js|ts):\d+/)
  })

  describe('tRPC at /api/trpc', () => {
    const client = (token?: string) =>
      createTRPCClient<AppRouter>({
        links: [
          httpBatchLink({
            url: `${server.url}/api/trpc`,
            transformer: superjson,
            headers: token ? { authorization: `Bearer ${token}` } : {},
          }),
        ],
      })

    it('gives a signed-in typed client its identity from the token, never from input', async () => {
      const user = await createUser(database.db, 'ada')
      const token = await signTestToken({ sub: user.id, email: 'ada@example.test', sid: user.claims.sid })
      expect(await client(token).auth.me.query()).toEqual({ user: { id: user.id, email: 'ada@example.test' }, organizations: [] })
    })

    it('refuses a body over 1 MB with 413 before any procedure runs, and nothing is written', async () => {
      const user = await createUser(database.db, 'large')
      const token = await signTestToken({ sub: user.id, sid: user.claims.sid })
      const response = await fetch(`${server.url}/api/trpc/orgs.create`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ json: { name: 'Large', padding: 'x'.repeat(MAX_BODY_BYTES) } }),
      })
      expect(response.status).toBe(413)
      expect(await client(token).auth.me.query()).toMatchObject({ organizations: [] })
    })

    it('reads the same identity from the session cookie', async () => {
      const user = await createUser(database.db, 'cookie')
      const cookie = await server.app.auth.sessionCookie.serialize(await signTestToken({ sub: user.id, sid: user.claims.sid }))
      const response = await fetch(`${server.url}/api/trpc/auth.me`, { headers: { cookie: cookie.split(';')[0]! } })
      expect(response.status).toBe(200)
      const body = (await response.json()) as { result: { data: { json: { user: { id: string } } } } }
      expect(body.result.data.json.user.id).toBe(user.id)
    })

    it.each([
      ['no token', async () => undefined],
      ['a garbage token', async () => 'not.a.jwt'],
      ['an expired token', async () => signTestToken({ sub: randomUUID() }, { expiresIn: Math.floor(Date.now() / 1000) - 60 })],
      ['a token signed with another secret', async () => signTestToken({ sub: randomUUID() }, { secret: 'x'.repeat(48) })],
      ['a token for another audience', async () => signTestToken({ sub: randomUUID() }, { audience: 'anon' })],
      ['a token from another issuer', async () => signTestToken({ sub: randomUUID() }, { issuer: 'someone-else' })],
      ['a correctly signed service_role token', async () => signTestToken({ sub: randomUUID(), role: 'service_role' })],
      ['a correctly signed postgres token', async () => signTestToken({ sub: randomUUID(), role: 'postgres' })],
    ])('refuses a protected procedure with %s (401, no stack)', async (_label, makeToken) => {
      const token = await makeToken()
      const response = await fetch(`${server.url}/api/trpc/auth.me`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      })
      expect(response.status).toBe(401)
      const body = await response.text()
      expect(body).toContain('UNAUTHORIZED')
      expect(body).not.toContain('stack')
      await expect(client(token).auth.me.query()).rejects.toBeInstanceOf(TRPCClientError)
    })

    it('answers an unknown procedure with 404', async () => {
      const response = await fetch(`${server.url}/api/trpc/nothing.here`)
      expect(response.status).toBe(404)
    })
  })
})

describe('the HTTP server on a database that is not migrated', () => {
  it('answers /healthz with 503', async () => {
    const database = await openDatabase({ kind: 'pglite' })
    const server = await startTestServer(database)
    try {
      const response = await fetch(`${server.url}/healthz`)
      expect(response.status).toBe(503)
      expect(await response.json()).toMatchObject({ ok: false, migrations: { pending: MIGRATION_COUNT } })
    } finally {
      await server.close()
      await database.close()
    }
  })
})
