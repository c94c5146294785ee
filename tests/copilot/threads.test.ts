import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { asServiceRole } from '../../db/rls'
import * as schema from '../../db/schema'
import { postCopilot, runCopilot, userMessage } from '../support/copilot-client'
import { describeEachDatabase, openTestDatabase, type TestDatabase } from '../support/databases'
import { signUp } from '../support/organizers'
import { scriptedModel } from '../support/scripted-model'
import { startTestServer, type TestServer } from '../support/server'

const REQUESTS_PER_WINDOW = 40

/*
 * Who owns a copilot thread is kept in the database, not in one instance's memory: two servers on one
 * database see the same owners, a flood of new thread ids evicts nothing, and every copilot request
 * counts towards the user's limit.
 */
describeEachDatabase('copilot thread ownership', (kind) => {
  let database: TestDatabase
  let first: TestServer
  let second: TestServer
  const scripted = scriptedModel(() => ({ text: 'Hello!' }))

  beforeAll(async () => {
    database = await openTestDatabase(kind)
    const env = { RATE_LIMIT_COPILOT_REQUESTS_PER_USER: String(REQUESTS_PER_WINDOW), RATE_LIMIT_COPILOT_RUNS_PER_USER: '1000' }
    first = await startTestServer(database, env, { copilotModel: scripted.model })
    second = await startTestServer(database, env, { copilotModel: scripted.model })
  })
  afterAll(async () => {
    await first?.close()
    await second?.close()
    await database?.close()
  })

  async function organizer(server: TestServer, label: string) {
    const signedUp = await signUp(server, label)
    const { sessionId } = await signedUp.api.wizard.create.mutate({})
    return { ...signedUp, sessionId, headers: { authorization: `Bearer ${signedUp.token}`, 'x-wizard-session': sessionId } }
  }

  const connect = (server: TestServer, headers: Record<string, string>, threadId: string) =>
    postCopilot(
      server,
      {
        method: 'agent/connect',
        params: { agentId: 'default' },
        body: { threadId, runId: randomUUID(), messages: [], tools: [], context: [], state: {}, forwardedProps: {} },
      },
      headers,
    )
  const stop = (server: TestServer, headers: Record<string, string>, threadId: string, bodyThreadId?: string) =>
    postCopilot(server, { method: 'agent/stop', params: { agentId: 'default', threadId }, body: bodyThreadId ? { threadId: bodyThreadId } : {} }, headers)

  it('refuses another user run, connect and stop on a thread, on the instance that started it and on another', async () => {
    const owner = await organizer(first, 'thread-owner')
    const other = await organizer(first, 'thread-other')
    const threadId = randomUUID()
    const hello = [userMessage('Hello')]
    expect((await runCopilot(first, { headers: owner.headers, threadId, messages: hello })).status).toBe(200)

    for (const server of [first, second]) {
      expect(await runCopilot(server, { headers: other.headers, threadId, messages: hello })).toMatchObject({ status: 404, error: { code: 'NOT_FOUND' } })
      expect((await connect(server, other.headers, threadId)).status).toBe(404)
      expect((await stop(server, other.headers, threadId)).status).toBe(404)
      // Naming one's own thread in the body does not get a stop of someone else's through.
      const own = randomUUID()
      expect((await runCopilot(server, { headers: other.headers, threadId: own, messages: hello })).status).toBe(200)
      expect((await stop(server, other.headers, threadId, own)).status).toBe(404)
    }
    // The owner continues the thread on the other instance (the browser sends the conversation along).
    expect((await runCopilot(second, { headers: owner.headers, threadId, messages: [...hello, userMessage('Still there?')] })).status).toBe(200)
    const [row] = await asServiceRole(database.db, (tx) => tx.select().from(schema.copilotThreads).where(eq(schema.copilotThreads.threadId, threadId)))
    expect(row).toMatchObject({ userId: owner.id, sessionId: owner.sessionId })
  })

  it('keeps a thread to the wizard it was started for', async () => {
    const owner = await organizer(first, 'two-wizards')
    const { sessionId: otherWizard } = await owner.api.wizard.create.mutate({ fresh: true })
    const threadId = randomUUID()
    expect((await runCopilot(first, { headers: owner.headers, threadId, messages: [userMessage('Hi')] })).status).toBe(200)
    const elsewhere = { ...owner.headers, 'x-wizard-session': otherWizard }
    expect((await runCopilot(first, { headers: elsewhere, threadId, messages: [userMessage('Hi')] })).status).toBe(404)
  })

  it('limits every copilot request, stops and connects too, so nobody floods the server with thread ids', async () => {
    const owner = await organizer(first, 'flood-owner')
    const attacker = await organizer(first, 'flooder')
    const threadId = randomUUID()
    expect((await runCopilot(first, { headers: owner.headers, threadId, messages: [userMessage('Hello')] })).status).toBe(200)

    // On Postgres the two instances share one count; the embedded database serves one instance, in memory.
    const target = (i: number) => (kind === 'postgres' && i % 2 ? second : first)
    const statuses: number[] = []
    for (let i = 0; i < REQUESTS_PER_WINDOW + 5; i++) statuses.push((await stop(target(i), attacker.headers, randomUUID())).status)
    expect(statuses.slice(0, REQUESTS_PER_WINDOW).every((status) => status !== 429)).toBe(true)
    expect(statuses.slice(REQUESTS_PER_WINDOW)).toEqual(Array(5).fill(429))
    const limited = await connect(first, attacker.headers, threadId)
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/)
    // The owner is not limited by someone else's flood, and still owns the thread.
    expect((await runCopilot(first, { headers: owner.headers, threadId, messages: [userMessage('Me again')] })).status).toBe(200)
  })
})
