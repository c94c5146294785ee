import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { asServiceRole } from '../../db/rls'
import * as schema from '../../db/schema'
import { describeEachDatabase } from '../support/databases'
import { type FakeStripe, INITIAL_REQUIREMENTS, startFakeStripe } from '../support/fake-stripe'
import { joinOrganization } from '../support/invitations'
import { signUp } from '../support/organizers'
import { failureOf, useTestServer } from '../support/server'
import { stripeEnv } from '../support/stripe-webhooks'

/*
 * `payments.startOnboarding` over HTTP, with the real `stripe` client talking to a local fake of
 * Stripe's API that deduplicates nothing: what the fake saw created is what the app created.
 */
describeEachDatabase('Stripe Connect onboarding', (kind) => {
  let fake: FakeStripe
  beforeAll(async () => {
    fake = await startFakeStripe()
  })
  afterAll(() => fake?.close())
  const { server, database } = useTestServer(kind, () => stripeEnv(fake))

  const appUrl = () => server.app.config.APP_URL
  const accountCreates = () => fake.requestsTo('POST', '/v1/accounts')
  const linksFor = (account: string) => fake.requestsTo('POST', '/v1/account_links').filter((request) => request.params.account === account)
  const storedSession = async (sessionId: string) =>
    (await asServiceRole(database.db, (tx) => tx.select().from(schema.wizardSessions).where(eq(schema.wizardSessions.id, sessionId))))[0]!
  const accountsOf = (organizationId: string) =>
    asServiceRole(database.db, (tx) => tx.select().from(schema.paymentAccounts).where(eq(schema.paymentAccounts.organizationId, organizationId)))

  it('creates one Express account per organization, with an idempotency key, and a fresh link every time', async () => {
    const owner = await signUp(server, 'onboarding-owner')
    const organization = await owner.api.orgs.create.mutate({ name: 'Atelier Onboarding' })
    const { sessionId } = await owner.api.wizard.create.mutate({ organizationId: organization.id, fresh: true })
    const createsBefore = accountCreates().length

    const first = await owner.api.payments.startOnboarding.mutate({ sessionId })
    const second = await owner.api.payments.startOnboarding.mutate({ sessionId })

    const creates = accountCreates().slice(createsBefore)
    expect(creates).toHaveLength(1)
    expect(creates[0]!.headers['idempotency-key']).toBe(`event-wizard:connected-account:organization:${organization.id}`)
    expect(creates[0]!.headers.authorization).toBe('Bearer sk_test_event_wizard_fake')
    expect(creates[0]!.params).toMatchObject({
      type: 'express',
      'capabilities[card_payments][requested]': 'true',
      'capabilities[transfers][requested]': 'true',
      'metadata[organization_id]': organization.id,
    })

    const [stored] = await accountsOf(organization.id)
    const accountId = stored!.stripeAccountId
    expect(fake.accounts.has(accountId)).toBe(true)
    expect(stored).toMatchObject({ userId: null, chargesEnabled: false, detailsSubmitted: false, disconnectedAt: null })

    // A fresh single-use link each time, both for the same account, back to this session's routes.
    const links = linksFor(accountId)
    expect(links).toHaveLength(2)
    for (const link of links) {
      expect(link.params).toEqual({
        account: accountId,
        type: 'account_onboarding',
        refresh_url: `${appUrl()}/wizard/${sessionId}/payments/refresh`,
        return_url: `${appUrl()}/wizard/${sessionId}/payments/return`,
      })
    }
    expect(first.url).toMatch(new RegExp(`^https://connect\\.stripe\\.com/setup/e/${accountId}/`))
    expect(second.url).not.toBe(first.url)

    // The session knows its account; the wizard shows it, with what Stripe still needs.
    expect((await storedSession(sessionId)).stripeAccountId).toBe(accountId)
    const state = await owner.api.wizard.get.query({ sessionId })
    expect(state.data.paymentSetup).toEqual({
      status: 'not_required',
      accountId,
      chargesEnabled: false,
      requirements: INITIAL_REQUIREMENTS,
    })
    const audit = await asServiceRole(database.db, (tx) => tx.select().from(schema.wizardActions).where(eq(schema.wizardActions.sessionId, sessionId)))
    expect(audit.filter((row) => row.actionName === 'startPaymentOnboarding').map((row) => [row.source, row.result])).toEqual([
      ['api', 'succeeded'],
      ['api', 'succeeded'],
    ])
  })

  it("reuses the organization's account for its next event, started by an admin; a plain member may not", async () => {
    const owner = await signUp(server, 'reuse-owner')
    const admin = await signUp(server, 'reuse-admin')
    const member = await signUp(server, 'reuse-member')
    const organization = await owner.api.orgs.create.mutate({ name: 'Maison Reuse' })
    await joinOrganization(server, owner, admin, organization.id, 'admin')
    await joinOrganization(server, owner, member, organization.id, 'member')

    const firstEvent = await owner.api.wizard.create.mutate({ organizationId: organization.id, fresh: true })
    await owner.api.payments.startOnboarding.mutate({ sessionId: firstEvent.sessionId })
    const [account] = await accountsOf(organization.id)
    const createsBefore = accountCreates().length

    // The organization's next event already shares the account, before anyone starts onboarding there.
    const nextEvent = await admin.api.wizard.create.mutate({ organizationId: organization.id, fresh: true })
    expect(nextEvent.data.paymentSetup).toMatchObject({ accountId: account!.stripeAccountId })
    await admin.api.payments.startOnboarding.mutate({ sessionId: nextEvent.sessionId })
    expect(accountCreates().length).toBe(createsBefore)
    expect((await storedSession(nextEvent.sessionId)).stripeAccountId).toBe(account!.stripeAccountId)
    expect(await accountsOf(organization.id)).toHaveLength(1)
    expect(linksFor(account!.stripeAccountId).at(-1)!.params.return_url).toBe(`${appUrl()}/wizard/${nextEvent.sessionId}/payments/return`)

    // Onboarding decides where the organization's money goes: not a plain member's call.
    const ownWizard = await member.api.wizard.create.mutate({ organizationId: organization.id, fresh: true })
    const refused = await failureOf(member.api.payments.startOnboarding.mutate({ sessionId: ownWizard.sessionId }))
    expect(refused.data?.code).toBe('FORBIDDEN')
    expect(refused.message).toMatch(/owner or an admin/)
    expect(accountCreates().length).toBe(createsBefore)
  })

  it('gives an organizer without organization an account of their own', async () => {
    const solo = await signUp(server, 'solo')
    const { sessionId } = await solo.api.wizard.create.mutate({ fresh: true })
    const createsBefore = accountCreates().length
    await solo.api.payments.startOnboarding.mutate({ sessionId })
    const creates = accountCreates().slice(createsBefore)
    expect(creates).toHaveLength(1)
    expect(creates[0]!.headers['idempotency-key']).toBe(`event-wizard:connected-account:user:${solo.id}`)
    expect(creates[0]!.params['metadata[user_id]']).toBe(solo.id)
    const [stored] = await asServiceRole(database.db, (tx) => tx.select().from(schema.paymentAccounts).where(eq(schema.paymentAccounts.userId, solo.id)))
    expect(stored).toMatchObject({ organizationId: null, stripeAccountId: (await storedSession(sessionId)).stripeAccountId })
  })

  it('answers NOT_FOUND for a wizard the caller cannot see, and creates nothing', async () => {
    const owner = await signUp(server, 'private-owner')
    const stranger = await signUp(server, 'stranger')
    const { sessionId } = await owner.api.wizard.create.mutate({ fresh: true })
    const createsBefore = fake.requests.length
    const refused = await failureOf(stranger.api.payments.startOnboarding.mutate({ sessionId }))
    expect(refused.data?.code).toBe('NOT_FOUND')
    expect(fake.requests.length).toBe(createsBefore)
  })

  it('replaces an account the organizer disconnected, with a key of its own', async () => {
    const solo = await signUp(server, 'reconnect')
    const { sessionId } = await solo.api.wizard.create.mutate({ fresh: true })
    await solo.api.payments.startOnboarding.mutate({ sessionId })
    const old = (await storedSession(sessionId)).stripeAccountId!
    await asServiceRole(database.db, (tx) =>
      tx.update(schema.paymentAccounts).set({ disconnectedAt: new Date() }).where(eq(schema.paymentAccounts.stripeAccountId, old)),
    )
    expect((await solo.api.wizard.get.query({ sessionId })).data.paymentSetup).toEqual({ status: 'not_required' })

    await solo.api.payments.startOnboarding.mutate({ sessionId })
    expect(accountCreates().at(-1)!.headers['idempotency-key']).toBe(`event-wizard:connected-account:user:${solo.id}:after:${old}`)
    const replacement = (await storedSession(sessionId)).stripeAccountId!
    expect(replacement).not.toBe(old)
    const [stored] = await asServiceRole(database.db, (tx) => tx.select().from(schema.paymentAccounts).where(eq(schema.paymentAccounts.userId, solo.id)))
    expect(stored).toMatchObject({ stripeAccountId: replacement, disconnectedAt: null, lastEventCreated: null })
  })
})
