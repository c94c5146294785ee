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
