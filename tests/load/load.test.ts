import { eq, sql } from 'drizzle-orm'
import { beforeAll, expect, it } from 'vitest'
import { queryRows } from '../../db/client'
import { asServiceRole } from '../../db/rls'
import * as schema from '../../db/schema'
import { load } from '../bench/http'
import { describeEachDatabase } from '../support/databases'
import { createSession, createUser, type TestUser } from '../support/fixtures'
import { signTestToken, useTestServer } from '../support/server'

const CONNECTIONS = 16
const REQUESTS_PER_CLIENT = 25

/**
 * A short load test with the shape of the benchmark: correctness under concurrency, not speed. Every
 * request must succeed, and every successful merge must be in the data (the version counts them) and
 * in the audit trail — including many clients writing one session at once.
 */
describeEachDatabase('under load', (kind) => {
  const { server, database } = useTestServer(
    kind,
    {
      RATE_LIMIT_MUTATIONS_PER_USER: '1000000',
      RATE_LIMIT_QUERIES_PER_CLIENT: '1000000',
      DATABASE_POOL_MAX: String(CONNECTIONS),
    },
    { poolMax: CONNECTIONS + 4 },
  )
  let users: TestUser[]
  let sessions: string[]
  beforeAll(async () => {
    users = await Promise.all(Array.from({ length: CONNECTIONS }, (_, i) => createUser(database.db, `load-${i}`)))
    sessions = await Promise.all(users.map(async (user) => (await createSession(database.db, user)).id))
  })

  const mergeRequest = (token: string, sessionId: string, name: string) => ({
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ json: { sessionId, stage: 'organizerSetup', data: { name } } }),
  })

  async function versionsAndAudit(sessionIds: string[]) {
    return asServiceRole(database.db, async (tx) => {
      const rows = await queryRows<{ id: string; version: number; merges: number }>(
        tx,
        sql`select s.id, s.version,
                   (select count(*)::int from event_wizard.wizard_actions a
                     where a.session_id = s.id and a.action_name = 'merge' and a.result = 'succeeded') as merges
            from event_wizard.wizard_sessions s where s.id in ${sessionIds}`,
      )
      return rows
    })
  }

  it('merges from many users at once: no error, no lost write', { timeout: 60_000 }, async () => {
    const tokens = await Promise.all(users.map((user) => signTestToken({ sub: user.id, email: user.email, sid: user.claims.sid })))
    const result = await load({
      url: `${server.url}/api/trpc/wizard.merge`,
      method: 'POST',
      connections: CONNECTIONS,
      amount: CONNECTIONS * REQUESTS_PER_CLIENT,
      perClient: (i) => mergeRequest(tokens[i]!, sessions[i]!, `Organizer ${i}`),
    })
    expect(result.errors).toBe(0)
    expect(result.non2xx).toBe(0)
    expect(result.total).toBe(CONNECTIONS * REQUESTS_PER_CLIENT)
    const rows = await versionsAndAudit(sessions)
    expect(rows.reduce((sum, row) => sum + row.merges, 0)).toBe(result.total)
    for (const row of rows) expect(row.version).toBe(1 + row.merges)
  })

  it('merges into one session from many clients at once: every write counted once', { timeout: 60_000 }, async () => {
    const owner = users[0]!
    const token = await signTestToken({ sub: owner.id, email: owner.email, sid: owner.claims.sid })
    const sessionId = (await createSession(database.db, owner)).id
    const result = await load({
      url: `${server.url}/api/trpc/wizard.merge`,
      method: 'POST',
      connections: 8,
      amount: 8 * REQUESTS_PER_CLIENT,
      perClient: (i) => mergeRequest(token, sessionId, `Writer ${i}`),
    })
    expect(result.errors).toBe(0)
    expect(result.non2xx).toBe(0)
    const [row] = await versionsAndAudit([sessionId])
    expect(row?.merges).toBe(result.total)
    expect(row?.version).toBe(1 + result.total)
    const [stored] = await asServiceRole(database.db, (tx) =>
      tx.select({ organizerSetup: schema.wizardSessions.organizerSetup }).from(schema.wizardSessions).where(eq(schema.wizardSessions.id, sessionId)),
    )
    expect((stored?.organizerSetup as { name: string }).name).toMatch(/^Writer \d$/)
  })
})
