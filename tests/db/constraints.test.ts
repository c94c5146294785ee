import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { queryRows } from '../../db/client'
import { asServiceRole, withRls } from '../../db/rls'
import * as schema from '../../db/schema'
import { describeEachDatabase, openTestDatabase, type TestDatabase } from '../support/databases'
import { createEvent, createOrganization, createSession, createTier, createUser, eventValues, sqlMessage, sqlState, type TestUser } from '../support/fixtures'

const CHECK_VIOLATION = '23514'
const UNIQUE_VIOLATION = '23505'

describeEachDatabase('the database itself rejects bad rows', (kind) => {
  let database: TestDatabase
  let owner: TestUser
  beforeAll(async () => {
    database = await openTestDatabase(kind)
    owner = await createUser(database.db, 'owner')
  })
  afterAll(() => database.close())

  /** Runs `fn` as the service role, which bypasses RLS: only the constraint can refuse. */
  async function expectRejected(code: string, constraint: RegExp, fn: Parameters<typeof asServiceRole>[1]) {
    const error = await asServiceRole(database.db, fn).then(
      () => null,
      (caught: unknown) => caught,
    )
    expect(error, 'the statement should have been rejected').not.toBeNull()
    expect(sqlState(error)).toBe(code)
    expect(sqlMessage(error)).toMatch(constraint)
  }

  it('more seats reserved than a tier has, or fewer than none', async () => {
    const event = await createEvent(database.db, owner)
    const tier = await createTier(database.db, event.id)
    for (const reserved of [tier.quantity + 1, -1]) {
      await expectRejected(CHECK_VIOLATION, /event_ticket_tiers_reserved_within_quantity/, (tx) =>
        tx.update(schema.eventTicketTiers).set({ reserved }).where(eq(schema.eventTicketTiers.id, tier.id)),
      )
    }
  })

  it('more seats reserved than the event holds; no limit without a capacity', async () => {
    const limited = await createEvent(database.db, owner, { capacity: 10 })
    await expectRejected(CHECK_VIOLATION, /events_reserved_within_capacity/, (tx) =>
      tx.update(schema.events).set({ reserved: 11 }).where(eq(schema.events.id, limited.id)),
    )
    const open = await createEvent(database.db, owner)
    const [row] = await asServiceRole(database.db, (tx) =>
      tx.update(schema.events).set({ reserved: 5000 }).where(eq(schema.events.id, open.id)).returning({ reserved: schema.events.reserved }),
    )
    expect(row).toEqual({ reserved: 5000 })
  })

  it('two tickets with the same code', async () => {
    const event = await createEvent(database.db, owner)
    const tier = await createTier(database.db, event.id)
    const insertTicket = (tx: Parameters<Parameters<typeof asServiceRole>[1]>[0]) =>
      tx.transaction(async (inner) => {
        const [order] = await inner
          .insert(schema.orders)
          .values({ eventId: event.id, buyerName: 'A', buyerEmail: 'a@example.test', status: 'confirmed', total: 0, currency: 'EUR', accessKeyHash: 'x' })
          .returning()
        await inner.insert(schema.tickets).values({ orderId: order!.id, tierId: tier.id, eventId: event.id, code: 'SAMECODE00000' })
      })
    await asServiceRole(database.db, insertTicket)
    await expectRejected(UNIQUE_VIOLATION, /tickets_code_key/, insertTicket)
  })

  it('a session status outside the known ones', async () => {
    const session = await createSession(database.db, owner)
    await expectRejected(CHECK_VIOLATION, /wizard_sessions_status_valid/, (tx) =>
      tx.execute(sql`update event_wizard.wizard_sessions set status = 'paused' where id = ${session.id}`),
    )
  })

  it.each([101, -1])('a completion percentage of %i', async (percentage) => {
    const session = await createSession(database.db, owner)
    await expectRejected(CHECK_VIOLATION, /wizard_sessions_completion_percentage_range/, (tx) =>
      tx.update(schema.wizardSessions).set({ completionPercentage: percentage }).where(eq(schema.wizardSessions.id, session.id)),
    )
  })

  it('an unknown stage as the current stage or among the completed ones', async () => {
    const session = await createSession(database.db, owner)
    await expectRejected(CHECK_VIOLATION, /wizard_sessions_current_stage_valid/, (tx) =>
      tx.execute(sql`update event_wizard.wizard_sessions set current_stage = 'checkout' where id = ${session.id}`),
    )
    await expectRejected(CHECK_VIOLATION, /wizard_sessions_completed_stages_valid/, (tx) =>
      tx.execute(sql`update event_wizard.wizard_sessions set completed_stages = array['organizerSetup', 'checkout'] where id = ${session.id}`),
    )
  })

  it('a second event with the same slug', async () => {
    const event = await createEvent(database.db, owner)
    await expectRejected(UNIQUE_VIOLATION, /events_slug_key/, (tx) => tx.insert(schema.events).values(eventValues(owner, { slug: event.slug })))
  })

  it('a second event for one session', async () => {
    const session = await createSession(database.db, owner)
    await createEvent(database.db, owner, { sessionId: session.id })
    await expectRejected(UNIQUE_VIOLATION, /events_session_id_key/, (tx) => tx.insert(schema.events).values(eventValues(owner, { sessionId: session.id })))
  })

  it('an event that ends before it starts, or a meeting URL that is not https', async () => {
    await expectRejected(CHECK_VIOLATION, /events_ends_after_start/, (tx) =>
      tx.insert(schema.events).values(eventValues(owner, { startsAt: new Date('2030-01-02T10:00:00Z'), endsAt: new Date('2030-01-02T09:00:00Z') })),
    )
    await expectRejected(CHECK_VIOLATION, /events_online_url_https/, (tx) =>
      tx.insert(schema.events).values(eventValues(owner, { onlineUrl: 'javascript:alert(1)' })),
    )
  })

  it('a tier with a negative price or a lowercase currency', async () => {
    const event = await createEvent(database.db, owner)
    await expectRejected(CHECK_VIOLATION, /event_ticket_tiers_price_non_negative/, (tx) =>
      tx.insert(schema.eventTicketTiers).values({ eventId: event.id, position: 0, name: 'VIP', price: -1, currency: 'EUR', quantity: 1 }),
    )
    await expectRejected(CHECK_VIOLATION, /event_ticket_tiers_currency_format/, (tx) =>
      tx.insert(schema.eventTicketTiers).values({ eventId: event.id, position: 0, name: 'VIP', price: 0, currency: 'eur', quantity: 1 }),
    )
  })

  it('a payment account with two owners, or none', async () => {
    const organization = await createOrganization(database.db, owner)
    await expectRejected(CHECK_VIOLATION, /payment_accounts_one_owner/, (tx) =>
      tx.insert(schema.paymentAccounts).values({ organizationId: organization.id, userId: owner.id, stripeAccountId: 'acct_two_owners' }),
    )
    await expectRejected(CHECK_VIOLATION, /payment_accounts_one_owner/, (tx) => tx.insert(schema.paymentAccounts).values({ stripeAccountId: 'acct_no_owner' }))
  })

  it('the membership helper tells members from non-members, whatever the caller may read', async () => {
    const member = await createUser(database.db, 'member')
    const outsider = await createUser(database.db, 'outsider')
    const organization = await createOrganization(database.db, owner, [{ user: member, role: 'member' }])
    await createSession(database.db, owner, { organizationId: organization.id })

    const check = (user: TestUser) =>
      withRls(database.db, user.claims, async (tx) => {
        const [row] = await queryRows<{ member: boolean; manager: boolean }>(
          tx,
          sql`select event_wizard.is_member(${organization.id}, null) as member,
                     event_wizard.is_member(${organization.id}, array['owner', 'admin']) as manager`,
        )
        const sessions = await tx
          .select({ id: schema.wizardSessions.id })
          .from(schema.wizardSessions)
          .where(eq(schema.wizardSessions.organizationId, organization.id))
        return { ...row, sessions: sessions.length }
      })

    expect(await check(owner)).toEqual({ member: true, manager: true, sessions: 1 })
    expect(await check(member)).toEqual({ member: true, manager: false, sessions: 1 })
    expect(await check(outsider)).toEqual({ member: false, manager: false, sessions: 0 })
  })

  it('the membership helper cannot be called by anon, nor cleanup by a signed-in user', async () => {
    const user = await createUser(database.db)
    const anonCall = await withRls(database.db, { role: 'anon' }, (tx) => tx.execute(sql`select event_wizard.is_member(gen_random_uuid(), null)`)).then(
      () => null,
      (error: unknown) => error,
    )
    expect(sqlState(anonCall)).toBe('42501')
    const userCall = await withRls(database.db, user.claims, (tx) => tx.execute(sql`select * from event_wizard.cleanup_expired_sessions()`)).then(
      () => null,
      (error: unknown) => error,
    )
    expect(sqlState(userCall)).toBe('42501')
    expect(sqlMessage(userCall)).toMatch(/permission denied for function cleanup_expired_sessions/)
  })

  it('updated_at follows every change, whoever makes it', async () => {
    const session = await createSession(database.db, owner, { updatedAt: new Date('2020-01-01T00:00:00Z') })
    const [changed] = await withRls(database.db, owner.claims, (tx) =>
      tx
        .update(schema.wizardSessions)
        .set({ completionPercentage: 10 })
        .where(eq(schema.wizardSessions.id, session.id))
        .returning({ updatedAt: schema.wizardSessions.updatedAt }),
    )
    expect(changed?.updatedAt.getTime()).toBeGreaterThan(new Date('2025-01-01T00:00:00Z').getTime())
  })
})
