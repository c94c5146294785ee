import { eq } from 'drizzle-orm'
import { beforeAll, expect, it } from 'vitest'
import { asServiceRole } from '../../db/rls'
import * as schema from '../../db/schema'
import { describeEachDatabase, randomSuffix } from '../support/databases'
import { browserCookie, PASSWORD, signUp } from '../support/organizers'
import { apiClient, postForm, useTestServer } from '../support/server'

describeEachDatabase('cross-site requests', (kind) => {
  const { server, database } = useTestServer(kind, { CORS_ORIGINS: 'https://partner.example' })
  let cookie: string
  let token: string
  beforeAll(async () => {
    const account = await signUp(server, 'csrf')
    cookie = await browserCookie(server, account.email)
    token = account.token
  })

  const organizationsNamed = (name: string) =>
    asServiceRole(database.db, (tx) => tx.select().from(schema.organizations).where(eq(schema.organizations.name, name)))

  it('refuses a form post from another site carrying the session cookie: 403, nothing written', async () => {
    const name = `Forged ${randomSuffix()}`
    const response = await postForm(server, '/organizations', { intent: 'create', name }, { cookie, origin: 'https://evil.example' })
    expect(response.status).toBe(403)
    expect(await response.text()).toBe('This request came from another site and was refused.')
    expect(await organizationsNamed(name)).toHaveLength(0)
  })

  it('accepts the same post from the app itself (the positive control)', async () => {
    const name = `Genuine ${randomSuffix()}`
    const response = await postForm(server, '/organizations', { intent: 'create', name }, { cookie })
    expect(response.status).toBe(302)
    expect(await organizationsNamed(name)).toHaveLength(1)
  })

  it('refuses a cookie post that says nowhere where it comes from, or comes from an opaque origin', async () => {
    for (const headers of [{}, { origin: 'null' }] as Record<string, string>[]) {
      const name = `Anonymous ${randomSuffix()}`
      const response = await postForm(server, '/organizations', { intent: 'create', name }, { cookie, origin: null, headers })
      expect(response.status).toBe(403)
      expect(await organizationsNamed(name)).toHaveLength(0)
    }
  })

  it('falls back to the Referer when a browser sends no Origin', async () => {
    const name = `Referred ${randomSuffix()}`
    const fromApp = await postForm(
      server,
      '/organizations',
      { intent: 'create', name },
      {
        cookie,
        origin: null,
        headers: { referer: `${server.url}/organizations` },
      },
    )
    expect(fromApp.status).toBe(302)
    const fromElsewhere = await postForm(
      server,
      '/organizations',
      { intent: 'create', name: `${name} 2` },
      {
        cookie,
        origin: null,
        headers: { referer: 'https://evil.example/page' },
      },
    )
    expect(fromElsewhere.status).toBe(403)
  })

  it('refuses a cross-site tRPC mutation riding on the cookie', async () => {
    const name = `Forged API ${randomSuffix()}`
    const response = await fetch(`${server.url}/api/trpc/orgs.create`, {
      method: 'POST',
      headers: { cookie, origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ json: { name } }),
    })
    expect(response.status).toBe(403)
    expect(await organizationsNamed(name)).toHaveLength(0)
  })

  it('refuses a sign-in posted from another site (login forgery)', async () => {
    const response = await postForm(server, '/sign-in', { email: 'victim@example.test', password: PASSWORD }, { origin: 'https://evil.example' })
    expect(response.status).toBe(403)
  })

  it('lets a typed client with a bearer token and no Origin through, and a listed partner origin', async () => {
    const name = `Typed ${randomSuffix()}`
    await apiClient(server.url, token).orgs.create.mutate({ name })
    expect(await organizationsNamed(name)).toHaveLength(1)

    const preflight = await fetch(`${server.url}/api/trpc/orgs.create`, {
      method: 'OPTIONS',
      headers: { origin: 'https://partner.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://partner.example')
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull()

    const partnerName = `Partner ${randomSuffix()}`
    await apiClient(server.url, token, { origin: 'https://partner.example' }).orgs.create.mutate({ name: partnerName })
    expect(await organizationsNamed(partnerName)).toHaveLength(1)

    const unlisted = await fetch(`${server.url}/api/trpc/orgs.create`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    })
    expect(unlisted.headers.get('access-control-allow-origin')).toBeNull()
  })
})
