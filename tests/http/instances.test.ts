import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DatabaseHandle, openDatabase } from '../../db/client'
import { asServiceRole } from '../../db/rls'
import { SESSION_CHECK_CACHE_MS } from '../../server/auth/sign-in-sessions'
import { cleanupExpiredSessions } from '../../server/jobs/cleanup'
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases'
import { PASSWORD, signUp } from '../support/organizers'
import { apiClient, failureOf, startTestServer, type TestServer } from '../support/server'
import { testClock } from '../support/wizard-driver'

/*
 * Two instances of the app on one real Postgres, each with its own connection pool, as behind a load
 * balancer: nothing that must be shared lives in one instance's memory. (The copilot's threads across
 * two instances: tests/copilot/threads.test.ts.) Only where a Postgres is configured (always under CI);
 * a plain `if`, so nothing is reported as skipped.
 */
if (databaseKinds.includes('postgres'))
  describe('two instances on one Postgres', () => {
    let database: TestDatabase
    let secondPool: DatabaseHandle
    let a: TestServer
    let b: TestServer
    const clock = testClock(new Date().toISOString())

    beforeAll(async () => {
      database = await openTestDatabase('postgres')
      secondPool = await openDatabase({ kind: 'postgres', url: database.urls!.app, poolMax: 5 })
      const env = { TRUST_PROXY: 'true', RATE_LIMIT_AUTH_PER_IP: '4', RATE_LIMIT_AUTH_FAILURES_PER_ACCOUNT: '3' }
      a = await startTestServer(database, env, { now: clock.now })
      b = await startTestServer(secondPool, env, { now: clock.now })
    })
    afterAll(async () => {
      await a?.close()
      await b?.close()
      await secondPool?.close()
      await database?.close()
    })

    const signInFrom = (server: TestServer, ip: string, email: string, password: string) =>
      fetch(`${server.url}/api/trpc/auth.signIn`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
        body: JSON.stringify({ json: { email, password } }),
      })

    it('count sign-in attempts from one address together', async () => {
      const ip = '198.51.100.7'
      const statuses = []
      for (const server of [a, b, a, b, a]) statuses.push((await signInFrom(server, ip, `nobody-${statuses.length}@example.test`, 'wrong-password-1')).status)
      expect(statuses).toEqual([401, 401, 401, 401, 429])
    })

    it('count failures on one account from one address together', async () => {
      const owner = await signUp(a, 'shared-failures')
      const ip = '198.51.100.8'
      expect((await signInFrom(a, ip, owner.email, 'wrong-password-1')).status).toBe(401)
      expect((await signInFrom(b, ip, owner.email, 'wrong-password-2')).status).toBe(401)
      expect((await signInFrom(a, ip, owner.email, 'wrong-password-3')).status).toBe(401)
      expect((await signInFrom(b, ip, owner.email, PASSWORD)).status).toBe(429)
    })

    it('honour a sign-out on the other instance within the cache bound, and at once on the one signed out at', async () => {
      const organizer = await signUp(a, 'signed-out-twice')
      const onB = apiClient(b.url, organizer.token)
      expect((await onB.auth.me.query()).user.id).toBe(organizer.id)
      await organizer.api.auth.signOut.mutate()
      expect((await failureOf(organizer.api.auth.me.query())).data?.code).toBe('UNAUTHORIZED')
      clock.advance(SESSION_CHECK_CACHE_MS + 1)
      expect((await failureOf(onB.auth.me.query())).data?.code).toBe('UNAUTHORIZED')
    })

    it('run the periodic cleanup on one instance at a time', async () => {
      let release!: () => void
      const held = new Promise<void>((resolve) => {
        release = resolve
      })
      let running!: () => void
      const started = new Promise<void>((resolve) => {
        running = resolve
      })
      // Instance A is in the middle of its cleanup: it holds the job's lock.
      const first = asServiceRole(a.app.database.db, async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext('event_wizard.cleanup'))`)
        running()
        await held
      })
      await started
      expect(await cleanupExpiredSessions(b.app.database.db, clock.now())).toBeNull()
      release()
      await first
      expect(await cleanupExpiredSessions(b.app.database.db, clock.now())).not.toBeNull()
    })
  })
