import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'drizzle-orm'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DatabaseHandle, openDatabase, queryRows } from '../../db/client'
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
      const unavailable = workers.map((_, worker) =>
        load.outcomes.filter((o) => o.kind === 'answered' && o.worker === worker && o.status === 503).length,
      )
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
}
