import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { asServiceRole } from '../../db/rls'
import * as schema from '../../db/schema'
import { cleanupExpiredSessions } from '../../server/jobs/cleanup'
import { databaseKinds, describeEachDatabase, openTestDatabase, type TestDatabase } from '../support/databases'
import { createSession, createUser } from '../support/fixtures'

describeEachDatabase('the session cleanup job', (kind) => {
  let database: TestDatabase
  beforeAll(async () => {
    database = await openTestDatabase(kind)
  })
  afterAll(() => database.close())

  it('expires overdue sessions through cleanup_expired_sessions()', async () => {
    const user = await createUser(database.db)
    const overdue = await createSession(database.db, user, { expiresAt: new Date(Date.now() - 60_000) })
    const result = await cleanupExpiredSessions(database.db, new Date())
    expect(result?.expiredSessions).toBeGreaterThanOrEqual(1)
    const [row] = await asServiceRole(database.db, (tx) =>
      tx.select({ status: schema.wizardSessions.status }).from(schema.wizardSessions).where(eq(schema.wizardSessions.id, overdue.id)),
    )
    expect(row?.status).toBe('expired')
  })

  it('prunes sign-in sessions expired over a day ago and expired rate-limit counters, and keeps live ones', async () => {
    const user = await createUser(database.db)
    const now = new Date()
    const [stale] = await asServiceRole(database.db, (tx) =>
      tx
        .insert(schema.authSessions)
        .values({ userId: user.id, expiresAt: new Date(now.getTime() - 2 * 86_400_000) })
        .returning(),
    )
    const staleKey = `stale-${user.id}`
    const liveKey = `live-${user.id}`
    await asServiceRole(database.db, (tx) =>
      tx.insert(schema.rateLimits).values([
        { key: staleKey, points: 3, expire: new Date(now.getTime() - 1000) },
        { key: liveKey, points: 1, expire: new Date(now.getTime() + 600_000) },
      ]),
    )
    const result = await cleanupExpiredSessions(database.db, now)
    expect(result?.prunedSignInSessions).toBeGreaterThanOrEqual(1)
    expect(result?.prunedRateLimits).toBeGreaterThanOrEqual(1)
    const left = await asServiceRole(database.db, async (tx) => ({
      sessions: (await tx.select().from(schema.authSessions).where(eq(schema.authSessions.userId, user.id))).map((row) => row.id),
      counters: (await tx.select().from(schema.rateLimits)).map((row) => row.key).filter((key) => key.endsWith(user.id)),
    }))
    // The session createUser started is live; the stale one and the stale counter are gone.
    expect(left.sessions).toEqual([user.claims.sid])
    expect(left.sessions).not.toContain(stale!.id)
    expect(left.counters).toEqual([liveKey])
  })

  if (kind === 'postgres' && databaseKinds.includes('postgres')) {
    it('runs on one instance at a time: while another holds the lock, it skips', async () => {
      let release!: () => void
      const held = new Promise<void>((resolve) => {
        release = resolve
      })
      let locked!: () => void
      const lockTaken = new Promise<void>((resolve) => {
        locked = resolve
      })
      const holder = asServiceRole(database.db, async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext('event_wizard.cleanup'))`)
        locked()
        await held
      })
      await lockTaken
      expect(await cleanupExpiredSessions(database.db, new Date())).toBeNull()
      release()
      await holder
      expect(await cleanupExpiredSessions(database.db, new Date())).not.toBeNull()
    })
  }
})
