import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DatabaseHandle, openDatabase, queryRows } from '../../db/client'
import { anonClaims, asServiceRole, withRls } from '../../db/rls'
import { wizardActions } from '../../db/schema'
import { mergeStage } from '../../server/wizard/merge'
import { createPostgresDatabase, databaseKinds, dropPostgresDatabase, TEMPLATE_DATABASE } from '../support/databases'
import { createSession, createUser } from '../support/fixtures'
import { startTcpProxy } from '../support/tcp-proxy'
import { actorOf } from '../support/wizard-driver'

/**
 * A transaction costs one round trip fewer than its statements plus BEGIN and COMMIT: BEGIN goes out
 * with the first statements (the claims and the caller's first query), and only then does the app
 * wait (patches/postgres+3.4.9.patch). Counted on the wire, through a proxy, on real Postgres.
 */
if (databaseKinds.includes('postgres')) {
  describe('round trips of a transaction [postgres]', () => {
    let urls: { app: string; admin: string }
    let proxy: Awaited<ReturnType<typeof startTcpProxy>>
    /** What the app wrote to Postgres, one entry per write, as Latin-1 text (statements and parameters show in it). */
    const writes: string[] = []
    let database: DatabaseHandle

    beforeAll(async () => {
      urls = await createPostgresDatabase(TEMPLATE_DATABASE)
      const app = new URL(urls.app)
      proxy = await startTcpProxy({ host: app.hostname, port: Number(app.port || 5432) }, { onClientData: (chunk) => writes.push(chunk.toString('latin1')) })
      app.hostname = '127.0.0.1'
      app.port = String(proxy.port)
      database = await openDatabase({ kind: 'postgres', url: app.toString(), poolMax: 1 })
      // The first use of each statement on a connection also describes it; count from the second on.
      await withRls(database.db, anonClaims, (tx) => queryRows(tx, sql`select current_setting('role') as role`))
    })
    afterAll(async () => {
      await database?.close()
      await proxy?.close()
      if (urls) await dropPostgresDatabase(urls.admin)
    })

    it('sends BEGIN with the claims and the first statement, then waits only for COMMIT', async () => {
      writes.length = 0
      const rows = await withRls(database.db, anonClaims, (tx) => queryRows<{ role: string }>(tx, sql`select current_setting('role') as role`))

      expect(rows).toEqual([{ role: 'anon' }])
      expect(writes).toHaveLength(2)
      expect(writes[0]!).toMatch(/^Q.{4}begin/)
      expect(writes[0]!).toContain('{"role":"anon"}')
      expect(writes[0]!).toContain("select current_setting('role') as role")
      // The second write is COMMIT alone (a statement prepared by the warm-up, so sent by its name).
      expect(writes[1]!).not.toContain('current_setting')
    })

    it('merges in three: the locked read with BEGIN, the update with its audit row, COMMIT', async () => {
      const user = await createUser(database.db, 'round-trips')
      const session = await createSession(database.db, user)
      const merge = (name: string) =>
        mergeStage({ db: database.db, now: () => new Date() }, actorOf(user), {
          sessionId: session.id,
          stage: 'organizerSetup',
          data: { name },
          validate: 'draft',
        })
      await merge('Ada')
      writes.length = 0

      const state = await merge('Grace Hopper')

      expect(state.data.organizerSetup).toEqual({ name: 'Grace Hopper' })
      expect(state.version).toBe(session.version + 2)
      expect(writes).toHaveLength(3)
      expect(writes[0]!).toMatch(/^Q.{4}begin/)
      expect(writes[0]!).toContain(user.id)
      // The update's stage data and the audit row's payload, in one write.
      expect(writes[1]!).toContain('{"name":"Grace Hopper"}')
      expect(writes[1]!).toContain('"validate":"draft"')
      const audit = await asServiceRole(database.db, (tx) => tx.select().from(wizardActions).where(eq(wizardActions.sessionId, session.id)))
      expect(audit.map((action) => [action.actionName, action.result])).toEqual([
        ['merge', 'succeeded'],
        ['merge', 'succeeded'],
      ])
    })

    it('still runs the statements inside the transaction, and rolls back on failure', async () => {
      const sameTransaction = await withRls(database.db, anonClaims, async (tx) => {
        const [first] = await queryRows<{ xid: string }>(tx, sql`select txid_current()::text as xid`)
        const [second] = await queryRows<{ xid: string }>(tx, sql`select txid_current()::text as xid`)
        return first!.xid === second!.xid
      })
      expect(sameTransaction).toBe(true)

      await expect(
        withRls(database.db, anonClaims, async (tx) => {
          await queryRows(tx, sql`select set_config('event_wizard.round_trip_test', 'set', true)`)
          throw new Error('the caller gave up')
        }),
      ).rejects.toThrow('the caller gave up')
      expect(writes.at(-1)!).toContain('rollback')
      const [after] = await queryRows<{ value: string | null }>(database.db, sql`select current_setting('event_wizard.round_trip_test', true) as value`)
      expect(after!.value ?? '').toBe('')
    })
  })
}
