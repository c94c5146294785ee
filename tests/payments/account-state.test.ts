import { randomBytes } from 'node:crypto'
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { queryRows } from '../../db/client'
import { anonClaims, asServiceRole, type Claims } from '../../db/rls'
import * as schema from '../../db/schema'
import { mergeStage } from '../../server/wizard/merge'
import { publishWizard } from '../../server/wizard/publish'
import { createWizard, getWizard } from '../../server/wizard/sessions'
import { transitionStage } from '../../server/wizard/transition'
import { describeEachDatabase, openTestDatabase, type TestDatabase } from '../support/databases'
import { asUserRolledBack, createOrganization, createSession, createUser, sqlMessage, sqlState, type TestUser } from '../support/fixtures'
import { paidStageData } from '../support/organizers'
import { actorOf, fillThrough, testClock, wizardDeps } from '../support/wizard-driver'

/*
 * How the core reads the connected account under RLS. payment_accounts has no policy for users, so
 * `event_wizard.connected_account_of_session(session)` answers for a session the caller may read —
 * its owner or a member of its organization — and nobody else.
 */
describeEachDatabase('the connected account of a session', (kind) => {
  let database: TestDatabase
  let owner: TestUser
  let member: TestUser
  let outsider: TestUser
  let organizationId: string
  let organizationSession: string
  let personalSession: string
  let organizationAccount: string
  const clock = testClock()
  const deps = () => wizardDeps(database.db, clock)

  const newAccountId = () => `acct_${randomBytes(8).toString('hex')}`

  beforeAll(async () => {
    database = await openTestDatabase(kind)
    owner = await createUser(database.db, 'owner')
    member = await createUser(database.db, 'member')
    outsider = await createUser(database.db, 'outsider')
    organizationId = (await createOrganization(database.db, owner, [{ user: member, role: 'member' }])).id
    organizationSession = (await createSession(database.db, owner, { organizationId })).id
    personalSession = (await createSession(database.db, owner)).id
    organizationAccount = newAccountId()
    await asServiceRole(database.db, (tx) =>
      tx.insert(schema.paymentAccounts).values([
        {
          organizationId,
          stripeAccountId: organizationAccount,
          detailsSubmitted: true,
          requirements: { currently_due: ['external_account'], eventually_due: [] },
        },
        { userId: owner.id, stripeAccountId: newAccountId(), chargesEnabled: true },
      ]),
    )
  })
  afterAll(() => database.close())

  /** The function's answer as `claims`, checked to run under RLS (never as a role that bypasses it). */
  const accountAs = async (claims: Claims, sessionId: string) => {
    const [row] = await asUserRolledBack(database.db, claims, (tx) =>
      queryRows<{ account: unknown }>(tx, sql`select event_wizard.connected_account_of_session(${sessionId}) as account`),
    )
    return typeof row?.account === 'string' ? (JSON.parse(row.account) as unknown) : (row?.account ?? null)
  }

  it("answers the organization's account to the session's owner and to members of its organization", async () => {
    const expected = { accountId: organizationAccount, chargesEnabled: false, detailsSubmitted: true, requirements: ['external_account'] }
    expect(await accountAs(owner.claims, organizationSession)).toEqual(expected)
    expect(await accountAs(member.claims, organizationSession)).toEqual(expected)
  })

  it("answers the owner's own account for a session without organization, and nothing to others", async () => {
    expect(await accountAs(owner.claims, personalSession)).toMatchObject({ chargesEnabled: true, requirements: [] })
    expect(await accountAs(member.claims, personalSession)).toBeNull()
    expect(await accountAs(outsider.claims, organizationSession)).toBeNull()
  })

  it('may not be called by anon', async () => {
    const error = await accountAs(anonClaims, organizationSession).then(
      () => undefined,
      (caught: unknown) => caught,
    )
    expect(sqlState(error)).toBe('42501')
    expect(sqlMessage(error)).toMatch(/permission denied for function connected_account_of_session/)
  })

  it('gives paid tiers the account state: pending with what is due, verified with charges enabled, none once disconnected', async () => {
    const session = { id: (await createWizard(deps(), owner.claims, { organizationId, fresh: true })).sessionId }
    const actor = actorOf(owner)
    await fillThrough(deps(), actor, session.id, 'paymentSetup')
    const tiers = paidStageData(clock.now()).ticketSetup.tiers
    const state = await mergeStage(deps(), actor, { sessionId: session.id, stage: 'ticketSetup', data: { tiers }, validate: 'draft' })
    expect(state.paymentStatus).toBe('pending')
    expect(state.data.paymentSetup).toEqual({ status: 'pending', accountId: organizationAccount, chargesEnabled: false, requirements: ['external_account'] })
    // Stored with the write, for whoever reads the row (the dashboard's progress, the audit).
    const [stored] = await asServiceRole(database.db, (tx) => tx.select().from(schema.wizardSessions).where(eq(schema.wizardSessions.id, session.id)))
    expect(stored!.paymentSetup).toEqual(state.data.paymentSetup)

    const setAccount = (values: Partial<typeof schema.paymentAccounts.$inferInsert>) =>
      asServiceRole(database.db, (tx) => tx.update(schema.paymentAccounts).set(values).where(eq(schema.paymentAccounts.stripeAccountId, organizationAccount)))
    await setAccount({ chargesEnabled: true })
    expect((await getWizard(deps(), member.claims, session.id)).paymentStatus).toBe('verified')

    await setAccount({ disconnectedAt: new Date() })
    const disconnected = await getWizard(deps(), owner.claims, session.id)
    expect(disconnected.paymentStatus).toBe('not_connected')
    expect(disconnected.data.paymentSetup).toEqual({ status: 'not_connected' })

    await setAccount({ disconnectedAt: null })
    await transitionStage(deps(), actor, { sessionId: session.id, from: 'paymentSetup', to: 'sponsorsMedia' })
    await mergeStage(deps(), actor, { sessionId: session.id, stage: 'sponsorsMedia', data: { skipped: true }, validate: 'strict' })
    await transitionStage(deps(), actor, { sessionId: session.id, from: 'sponsorsMedia', to: 'reviewPublish' })
    const { eventId } = await publishWizard(deps(), actor, session.id)
    const [event] = await asServiceRole(database.db, (tx) => tx.select().from(schema.events).where(eq(schema.events.id, eventId)))
    expect(event).toMatchObject({ paymentEnabled: true, stripeAccountId: organizationAccount })
  })
})
