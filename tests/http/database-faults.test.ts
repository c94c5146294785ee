import { type AddressInfo, connect, createServer, type Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'drizzle-orm'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DatabaseHandle, openDatabase, queryRows } from '../../db/client'
import { isDatabaseUnavailable } from '../../db/errors'
import { asServiceRole } from '../../db/rls'
import { createPostgresDatabase, databaseKinds, dropPostgresDatabase, TEMPLATE_DATABASE } from '../support/databases'
import { createSession, createUser } from '../support/fixtures'
import { type MergeWorker, startMergeLoad } from '../support/merge-load'
import { signTestToken, TEST_JWT_SECRET } from '../support/server'
import { type ServerProcess, startServerProcess, stopServerProcess } from '../support/server-process'

const WORKERS = 8
/** Far above a merge's time even on a loaded machine: a call this slow is stuck, not slow. */
const REQUEST_TIMEOUT_MS = 15_000
/** Acknowledged merges each worker needs before a fault, and after it to count as recovered. */
const ROUNDS = 3

/**
 * The database going away under load (DESIGN "Operations and scale"): the app's backends are killed
 * while eight workers merge. The server process must stay up, answer the calls in flight with 503 and
 * Retry-After (or succeed), never leave one hanging, recover by itself, and have kept every write it
 * acknowledged. Only on real Postgres: PGlite runs inside the process and cannot be cut off.
 */
if (databaseKinds.includes('postgres')) {
  describe('the database goes away under load [postgres]', () => {
    let urls: { app: string; admin: string; name: string }
    let owner: DatabaseHandle
    let admin: postgres.Sql
    let server: ServerProcess
    let workers: MergeWorker[]

    beforeAll(async () => {
      urls = await createPostgresDatabase(TEMPLATE_DATABASE)
      // The test's own connections log in as the migrating role, so killing the app's leaves them be.
      owner = await openDatabase({ kind: 'postgres', url: urls.admin, poolMax: 2 })
      admin = postgres(urls.admin, { max: 1, onnotice: () => {} })
      workers = await Promise.all(
        Array.from({ length: WORKERS }, async (_, i) => {
          const user = await createUser(owner.db, `fault-${i}`)
          const session = await createSession(owner.db, user)
          return { token: await signTestToken({ sub: user.id, email: user.email, sid: user.claims.sid }), sessionId: session.id }
        }),
      )
      server = await startServerProcess({
        DATABASE_URL: urls.app,
        AUTH_JWT_SECRET: TEST_JWT_SECRET,
        RATE_LIMIT_MUTATIONS_PER_USER: '1000000',
        CLEANUP_INTERVAL_MINUTES: '0',
      })
    })
    afterAll(async () => {
      if (server?.child.exitCode === null) await stopServerProcess(server)
      await admin?.end()
      await owner?.close()
      if (urls) await dropPostgresDatabase(urls.admin)
    })

    const terminateAppBackends = async () =>
      (
        await admin`select pg_terminate_backend(pid) as terminated from pg_stat_activity
                    where usename = 'event_wizard_app' and datname = ${urls.name}`
      ).filter((row) => row.terminated).length

    async function versionsAndMerges() {
      return asServiceRole(owner.db, (tx) =>
        queryRows<{ id: string; version: number; merges: number }>(
          tx,
          sql`select s.id, s.version,
                     (select count(*)::int from event_wizard.wizard_actions a
                       where a.session_id = s.id and a.action_name = 'merge' and a.result = 'succeeded') as merges
              from event_wizard.wizard_sessions s where s.id in ${workers.map((worker) => worker.sessionId)}`,
        ),
      )
    }

    it('keeps serving: 503 or success in flight, no hang, recovery, no acknowledged write lost', { timeout: 180_000 }, async () => {
      const load = startMergeLoad(server.url, workers, { requestTimeoutMs: REQUEST_TIMEOUT_MS })
      /** Waits for a condition while the load runs; stops at once when the server died or a call failed. */
      async function until(condition: () => boolean | Promise<boolean>) {
        while (!(await condition())) {
          if (server.child.exitCode !== null) throw new Error(`the server exited: ${server.stderr()}`)
          expect(load.failures()).toEqual([])
          await sleep(20)
        }
      }
      const recoveredSince = (mark: number) => () => load.acknowledged(mark).every((count) => count >= ROUNDS)

      try {
        // A backend counted a moment ago may have closed by itself since (a pooled connection's
        // lifetime): each termination is tried until it has ended at least one of the app's backends.
        const terminated = async () => (await terminateAppBackends()) > 0
        await until(recoveredSince(0))
        await until(terminated)
        let mark = load.outcomes.length
        await until(recoveredSince(mark))

        // Twice in a row, as a restart or a failover does: again as soon as the app has reconnected.
        await until(terminated)
        await until(terminated)
        mark = load.outcomes.length
        await until(recoveredSince(mark))
      } finally {
        await load.stop()
      }

      expect(server.child.exitCode).toBeNull()
      expect(server.stderr()).not.toContain('TypeError')
      expect(load.failures()).toEqual([])
      const unavailable = workers.map((_, worker) => load.outcomes.filter((o) => o.kind === 'answered' && o.worker === worker && o.status === 503).length)
      // Eight workers are always mid-call, so the kills reached calls in flight.
      expect(unavailable.reduce((sum, count) => sum + count, 0)).toBeGreaterThan(0)
      for (const outcome of load.outcomes) {
        if (outcome.kind !== 'answered' || outcome.status === 200) continue
        expect({ status: outcome.status, retryAfter: outcome.retryAfter }).toEqual({ status: 503, retryAfter: expect.stringMatching(/^\d+$/) })
        expect(outcome.body).toContain('The database is unavailable for a moment')
        expect(outcome.body).not.toMatch(/at .+\.(js|ts):\d+/)
      }

      // Every acknowledged merge is stored; a 503 may or may not have committed before its connection died.
      const acknowledged = load.acknowledged()
      const rows = await versionsAndMerges()
      workers.forEach((worker, i) => {
        const row = rows.find((candidate) => candidate.id === worker.sessionId)!
        expect(row.version - 1).toBe(row.merges)
        expect(row.merges).toBeGreaterThanOrEqual(acknowledged[i]!)
        expect(row.merges).toBeLessThanOrEqual(acknowledged[i]! + unavailable[i]!)
      })

      const health = await fetch(`${server.url}/healthz`)
      expect(health.status).toBe(200)
    })
  })

  describe('a connection reset inside a transaction [postgres]', () => {
    let urls: { app: string; admin: string; name: string }
    let proxy: Awaited<ReturnType<typeof startResettingProxy>>
    let admin: postgres.Sql
    let sql: postgres.Sql

    beforeAll(async () => {
      urls = await createPostgresDatabase(TEMPLATE_DATABASE)
      admin = postgres(urls.admin, { max: 1, onnotice: () => {} })
      const target = new URL(urls.app)
      proxy = await startResettingProxy({ host: target.hostname, port: Number(target.port || 5432) })
      const proxied = new URL(urls.app)
      proxied.port = String(proxy.port)
      // One connection: the queries after the reset reach the very connection that was reset.
      sql = postgres(proxied.toString(), { max: 1, backoff: () => 0, onnotice: () => {} })
    })
    afterAll(async () => {
      await sql?.end({ timeout: 1 })
      await proxy?.close()
      await admin?.end()
      if (urls) await dropPostgresDatabase(urls.admin)
    })

    /** A query's rows, or a failure naming it when it has not answered within a few seconds. */
    const answered = <T>(query: Promise<T>, what: string) => Promise.race([query, sleep(5_000).then(() => Promise.reject(new Error(`${what} never answered`)))])

    // The socket fails (ECONNRESET) before it closes; the transaction's rollback, issued in between,
    // once stayed queued on the connection and took the answers of the queries after the reconnect.
    it('leaves nothing of the old connection to the queries after it', async () => {
      const transaction = sql.begin(async (tx) => {
        await tx`select 1`
        const slow = tx`select pg_sleep(10)`.execute()
        while ((await admin`select 1 from pg_stat_activity where datname = ${urls.name} and query = 'select pg_sleep(10)'`).length === 0) {
          await sleep(20)
        }
        proxy.reset()
        await slow
      })
      const failure: unknown = await answered(transaction, 'the transaction').catch((error: unknown) => error)
      expect(isDatabaseUnavailable(failure)).toBe(true)

      for (const n of [1, 2, 3]) {
        expect(await answered(sql`select ${n}::int as n`, `query ${n} after the reset`)).toEqual([{ n }])
      }
      const together = await answered(
        Promise.all([4, 5, 6].map((n) => sql`select ${n}::int as n`)).then((all) => all.flat()),
        'queries together',
      )
      expect(together).toEqual([{ n: 4 }, { n: 5 }, { n: 6 }])
    })
  })
}

/** A TCP proxy in front of Postgres that resets (RST) the connections it carries, as a failing network does. */
async function startResettingProxy(target: { host: string; port: number }) {
  const clients = new Set<Socket>()
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host)
    clients.add(client)
    client.on('error', () => upstream.destroy())
    client.on('close', () => {
      clients.delete(client)
      upstream.destroy()
    })
    upstream.on('error', () => client.destroy())
    client.pipe(upstream).pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    reset() {
      for (const client of clients) client.resetAndDestroy()
    },
    close() {
      for (const client of clients) client.destroy()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
