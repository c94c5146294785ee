import { eq, sql } from 'drizzle-orm'
import { base64url, SignJWT } from 'jose'
import { beforeAll, expect, it } from 'vitest'
import { asServiceRole } from '../../db/rls'
import * as schema from '../../db/schema'
import { describeEachDatabase, randomSuffix } from '../support/databases'
import { createUser, type TestUser } from '../support/fixtures'
import { signTestToken, TEST_JWT_SECRET, useTestServer } from '../support/server'

/** An unsecured JWT (`alg: none`), as an attacker would hand-craft it. */
function unsecuredToken(claims: Record<string, unknown>): string {
  const encode = (part: object) => base64url.encode(JSON.stringify(part))
  const now = Math.floor(Date.now() / 1000)
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ iss: 'event-wizard', aud: 'authenticated', iat: now, exp: now + 600, ...claims })}.`
}

describeEachDatabase('access tokens (local mode)', (kind) => {
  const { server, database } = useTestServer(kind)
  let user: TestUser
  beforeAll(async () => {
    user = await createUser(database.db)
  })

  /** Tries to create an organization with `token`; returns the status and whether anything was written. */
  async function createOrganizationWith(token: string) {
    const name = `Atelier ${randomSuffix()}`
    const response = await fetch(`${server.url}/api/trpc/orgs.create`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ json: { name } }),
    })
    const written = await asServiceRole(database.db, (tx) => tx.select().from(schema.organizations).where(eq(schema.organizations.name, name)))
    return { status: response.status, written: written.length, body: await response.text() }
  }

  it('accepts a valid token: the positive control', async () => {
    const result = await createOrganizationWith(await signTestToken({ sub: user.id, sid: user.claims.sid, email: user.email }))
    expect(result).toMatchObject({ status: 200, written: 1 })
  })

  it.each([
    ['expired', () => signTestToken({ sub: user.id, sid: user.claims.sid }, { expiresIn: Math.floor(Date.now() / 1000) - 5 })],
    ['signed with another secret', () => signTestToken({ sub: user.id, sid: user.claims.sid }, { secret: `${TEST_JWT_SECRET}-but-not-ours` })],
    ['for another audience', () => signTestToken({ sub: user.id, sid: user.claims.sid }, { audience: 'service' })],
    ['from another issuer', () => signTestToken({ sub: user.id, sid: user.claims.sid }, { issuer: 'https://evil.example' })],
    ['unsigned (alg: none)', async () => unsecuredToken({ sub: user.id, sid: user.claims.sid, role: 'authenticated' })],
    ['for the service_role, correctly signed', () => signTestToken({ sub: user.id, sid: user.claims.sid, role: 'service_role' })],
    ['for the postgres role, correctly signed', () => signTestToken({ sub: user.id, sid: user.claims.sid, role: 'postgres' })],
    ['for anon, correctly signed', () => signTestToken({ sub: user.id, sid: user.claims.sid, role: 'anon' })],
    ['without a subject', () => signTestToken({})],
    ['with a subject that is not a user id', () => signTestToken({ sub: "x' or '1'='1" })],
    [
      'signed with RS256 where HS256 is expected',
      async () => {
        const { generateKeyPair } = await import('jose')
        const { privateKey } = await generateKeyPair('RS256')
        return new SignJWT({ role: 'authenticated', sub: user.id, sid: user.claims.sid })
          .setProtectedHeader({ alg: 'RS256' })
          .setIssuer('event-wizard')
          .setAudience('authenticated')
          .setExpirationTime('10m')
          .sign(privateKey)
      },
    ],
  ])('refuses a token %s: 401 and nothing written', async (_label, makeToken) => {
    const result = await createOrganizationWith(await makeToken())
    expect(result.status).toBe(401)
    expect(result.written).toBe(0)
    expect(result.body).toContain('UNAUTHORIZED')
  })

  it('never takes the user from input: a sub in the body is ignored', async () => {
    const other = await createUser(database.db, 'other')
    const name = `Atelier ${randomSuffix()}`
    const response = await fetch(`${server.url}/api/trpc/orgs.create`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await signTestToken({ sub: user.id, sid: user.claims.sid })}`, 'content-type': 'application/json' },
      body: JSON.stringify({ json: { name, createdBy: other.id, userId: other.id, sub: other.id } }),
    })
    expect(response.status).toBe(200)
    const [organization] = await asServiceRole(database.db, (tx) => tx.select().from(schema.organizations).where(eq(schema.organizations.name, name)))
    expect(organization?.createdBy).toBe(user.id)
  })

  // Its sign-in session went with it (cascade), so the token is refused before any write is tried.
  it('refuses a valid token of a deleted account (401) without writing anything', async () => {
    const gone = await createUser(database.db, 'gone')
    await asServiceRole(database.db, (tx) => tx.execute(sql`delete from auth.users where id = ${gone.id}`))
    const result = await createOrganizationWith(await signTestToken({ sub: gone.id, sid: gone.claims.sid }))
    expect(result.status).toBe(401)
    expect(result.written).toBe(0)
    expect(result.body).not.toMatch(/violates|foreign key|constraint/)
  })
})
