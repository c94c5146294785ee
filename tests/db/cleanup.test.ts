import { inArray, sql } from 'drizzle-orm'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { queryRows } from '../../db/client'
import { asServiceRole } from '../../db/rls'
import * as schema from '../../db/schema'
import { describeEachDatabase, openTestDatabase, type TestDatabase } from '../support/databases'
import { createSession, createUser, type TestUser } from '../support/fixtures'

const DAY = 24 * 60 * 60 * 1000

describeEachDatabase('cleanup_expired_sessions()', (kind) => {
  let database: TestDatabase
  let user: TestUser
  beforeAll(async () => {
    database = await openTestDatabase(kind)
    user = await createUser(database.db)
  })
  afterAll(() => database.close())

  const cleanup = (at: Date) =>
    asServiceRole(database.db, async (tx) => {
      const [row] = await queryRows<{ expired_sessions: number; deleted_sessions: number; pruned_actions: number }>(
        tx,
        sql`select * from event_wizard.cleanup_expired_sessions(${at.toISOString()}::timestamptz)`,
      )
      return row
    })

  const sessionsById = async (ids: string[]) => {
    const rows = await asServiceRole(database.db, (tx) =>
      tx
        .select({ id: schema.wizardSessions.id, status: schema.wizardSessions.status })
        .from(schema.wizardSessions)
        .where(inArray(schema.wizardSessions.id, ids)),
    )
    return Object.fromEntries(rows.map((row) => [row.id, row.status]))
  }

  const addAction = (sessionId: string | null, createdAt: Date) =>
    asServiceRole(database.db, async (tx) => {
      const [row] = await tx
        .insert(schema.wizardActions)
        .values({ sessionId, userId: user.id, actionName: 'merge', source: 'form', result: 'succeeded', createdAt })
        .returning({ id: schema.wizardActions.id })
      return row!.id
    })

  it('expires, then deletes, exactly the right sessions and prunes only old audit rows', async () => {
    const now = new Date()
    const ago = (days: number) => new Date(now.getTime() - days * DAY)
    const ahead = (days: number) => new Date(now.getTime() + days * DAY)

    const overdue = await createSession(database.db, user, { expiresAt: ago(1 / 24) })
    const active = await createSession(database.db, user, { expiresAt: ahead(1) })
    const completed = await createSession(database.db, user, { status: 'completed', expiresAt: ago(60) })
    const longExpired = await createSession(database.db, user, { status: 'expired', expiresAt: ago(31) })
    const recentlyExpired = await createSession(database.db, user, { status: 'expired', expiresAt: ago(29) })
    const longAbandoned = await createSession(database.db, user, { status: 'abandoned', updatedAt: ago(31), expiresAt: ahead(3) })
    const recentlyAbandoned = await createSession(database.db, user, { status: 'abandoned', updatedAt: ago(5) })

    const actionOfDeletedSession = await addAction(longExpired.id, ago(2))
    const ancientAction = await addAction(active.id, ago(181))
    const oldButKeptAction = await addAction(active.id, ago(179))

    expect(await cleanup(now)).toEqual({ expired_sessions: 1, deleted_sessions: 2, pruned_actions: 1 })

    expect(await sessionsById([overdue, active, completed, longExpired, recentlyExpired, longAbandoned, recentlyAbandoned].map((s) => s.id))).toEqual({
      [overdue.id]: 'expired',
      [active.id]: 'in_progress',
      [completed.id]: 'completed',
      [recentlyExpired.id]: 'expired',
      [recentlyAbandoned.id]: 'abandoned',
    })

    const actions = await asServiceRole(database.db, (tx) =>
      tx
        .select({ id: schema.wizardActions.id, sessionId: schema.wizardActions.sessionId })
        .from(schema.wizardActions)
        .where(inArray(schema.wizardActions.id, [actionOfDeletedSession, ancientAction, oldButKeptAction])),
    )
    // The audit row outlives its deleted session, detached from it.
    expect(Object.fromEntries(actions.map((a) => [a.id, a.sessionId]))).toEqual({
      [actionOfDeletedSession]: null,
      [oldButKeptAction]: active.id,
    })

    // Running again changes nothing.
    expect(await cleanup(now)).toEqual({ expired_sessions: 0, deleted_sessions: 0, pruned_actions: 0 })

    // Twenty days on: the active session has expired, the one expired 29 days ago is 30 days past
    // expiry and goes, and the 179-day-old audit row is now old enough to prune.
    expect(await cleanup(ahead(20))).toEqual({ expired_sessions: 1, deleted_sessions: 1, pruned_actions: 1 })
    // Forty days on, every expired and abandoned session is gone; the completed one stays.
    expect(await cleanup(ahead(40))).toEqual({ expired_sessions: 0, deleted_sessions: 3, pruned_actions: 0 })
    expect(await sessionsById([overdue.id, active.id, completed.id, recentlyExpired.id])).toEqual({
      [completed.id]: 'completed',
    })
  })
})
