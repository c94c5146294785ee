import { randomUUID } from 'node:crypto'
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { openDatabase, queryRows } from '../../db/client'
import { type Claims, RoleNotAllowedError, withRls } from '../../db/rls'
import { wizardSessions } from '../../db/schema'
import { describeEachDatabase, openTestDatabase, type TestDatabase } from '../support/databases'
import { createSession, createUser } from '../support/fixtures'

describeEachDatabase('claims reach Postgres as data, never as SQL', (kind) => {
  let database: TestDatabase
  beforeAll(async () => {
    database = await openTestDatabase(kind)
  })
  afterAll(() => database.close())

  it('round-trips quotes, SQL fragments and unicode unchanged', async () => {
    const user = await createUser(database.db)
    const claims: Claims = {
      ...user.claims,
      email: `o'brien"; drop table event_wizard.wizard_sessions; --@example.test`,
      name: `Zoë 日本語 🎉 \\ $1 '' $$`,
      note: `'); select set_config('role', 'service_role', true); --`,
    }
    const [row] = await withRls(database.db, claims, (tx) =>
      queryRows<{ jwt: Claims; uid: string; role: string; current: string }>(
        tx,
        sql`select auth.jwt() as jwt, auth.uid() as uid, auth.role() as role, current_user as current`,
      ),
    )
    expect(row?.jwt).toEqual(claims)
    expect(row?.uid).toBe(user.id)
    expect(row?.role).toBe('authenticated')
    expect(row?.current).toBe('authenticated')

    // The table the payload names is still there, and the owner still sees their row through it.
    const session = await createSession(database.db, user)
    const seen = await withRls(database.db, claims, (tx) => queryRows(tx, sql`select id from event_wizard.wizard_sessions where id = ${session.id}`))
    expect(seen).toHaveLength(1)
  })

  it.each(['service_role', 'postgres', 'event_wizard_app', 'supabase_admin', "authenticated'; --", ''])(
    'refuses the role %j before reaching the database',
    async (role) => {
      const claims = { role, sub: randomUUID() } as unknown as Claims
      let reached = false
      await expect(
        withRls(database.db, claims, async () => {
          reached = true
        }),
      ).rejects.toBeInstanceOf(RoleNotAllowedError)
      expect(reached).toBe(false)
    },
  )

  it('runs anon without a user id', async () => {
    const [row] = await withRls(database.db, { role: 'anon' }, (tx) =>
      queryRows<{ uid: string | null; current: string }>(tx, sql`select auth.uid() as uid, current_user as current`),
    )
    expect(row).toEqual({ uid: null, current: 'anon' })
  })

  it('leaves no claims or role behind on the connection after the transaction', async () => {
    const user = await createUser(database.db)
    await withRls(database.db, user.claims, async () => {})
    const [row] = await queryRows<{ claims: string | null; current: string }>(
      database.db,
      sql`select nullif(current_setting('request.jwt.claims', true), '') as claims, current_user as current`,
    )
    expect(row?.claims).toBeNull()
    expect(row?.current).not.toBe('authenticated')
  })

  if (kind === 'postgres') {
    it('sends each query as a named statement that the connection keeps and reuses, claims and all', async () => {
      // One connection, so every transaction below meets the same prepared statements.
      const single = await openDatabase({ kind: 'postgres', url: database.urls!.app, poolMax: 1 })
      try {
        const user = await createUser(database.db)
        const session = await createSession(database.db, user)
        const read = () =>
          withRls(single.db, user.claims, (tx) => tx.select({ id: wizardSessions.id }).from(wizardSessions).where(eq(wizardSessions.id, session.id)))
        for (let i = 0; i < 3; i++) expect(await read()).toEqual([{ id: session.id }])
        const statements = await withRls(single.db, user.claims, (tx) =>
          queryRows<{ statement: string; runs: number }>(tx, sql`select statement, (generic_plans + custom_plans)::int as runs from pg_prepared_statements`),
        )
        const select = statements.filter(({ statement }) => statement.includes('"wizard_sessions"."id" = $1'))
        expect(select).toEqual([expect.objectContaining({ runs: 3 })])
        // The claims, set at the start of every transaction above (three reads and this one).
        expect(statements.filter(({ statement }) => statement.includes("set_config('request.jwt.claims'"))).toEqual([expect.objectContaining({ runs: 4 })])
      } finally {
        await single.close()
      }
    })

    it('keeps no statements when prepared statements are off (behind a transaction pooler)', async () => {
      const pooled = await openDatabase({ kind: 'postgres', url: database.urls!.app, poolMax: 1, prepare: false })
      try {
        const user = await createUser(database.db)
        await withRls(pooled.db, user.claims, (tx) => tx.select({ id: wizardSessions.id }).from(wizardSessions).where(eq(wizardSessions.userId, user.id)))
        const statements = await withRls(pooled.db, user.claims, (tx) => queryRows(tx, sql`select name from pg_prepared_statements`))
        expect(statements).toEqual([])
      } finally {
        await pooled.close()
      }
    })
  }
})
