import { randomBytes } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { asServiceRole } from '../../db/rls'
import * as schema from '../../db/schema'
import { describeEachDatabase } from '../support/databases'
import { type FakeStripe, fakeAccount, startFakeStripe, verifiedAccount } from '../support/fake-stripe'
import { asDatabaseOwner, signUp } from '../support/organizers'
import { useTestServer } from '../support/server'
import { accountDeauthorized, accountUpdated, deliver, signed, stripeEnv, stripeEvent } from '../support/stripe-webhooks'

const now = () => Math.floor(Date.now() / 1000)

/*
 * POST /api/webhooks/stripe through the real Express app, signed as Stripe signs: verified before
 * anything is written, stored once, processed once however often and however concurrently it is
 * delivered, retried after a failure, and never moved backwards by an older event.
 */
describeEachDatabase('the Stripe webhook', (kind) => {
  let fake: FakeStripe
  beforeAll(async () => {
    fake = await startFakeStripe()
  })
  afterAll(() => fake?.close())
  const { server, database } = useTestServer(kind, () => stripeEnv(fake))

  /** An organizer whose wizard started onboarding: its session is linked to a fresh connected account. */
  async function connectedWizard() {
    const organizer = await signUp(server, 'webhook')
    const { sessionId } = await organizer.api.wizard.create.mutate({ fresh: true })
    await organizer.api.payments.startOnboarding.mutate({ sessionId })
    const [session] = await asServiceRole(database.db, (tx) => tx.select().from(schema.wizardSessions).where(eq(schema.wizardSessions.id, sessionId)))
    const accountId = session!.stripeAccountId!
    return { organizer, sessionId, accountId, account: fake.accounts.get(accountId)! }
  }

  const storedAccount = async (accountId: string) =>
    (await asServiceRole(database.db, (tx) => tx.select().from(schema.paymentAccounts).where(eq(schema.paymentAccounts.stripeAccountId, accountId))))[0]!
  const storedEvents = (eventId: string) => asServiceRole(database.db, (tx) => tx.select().from(schema.stripeEvents).where(eq(schema.stripeEvents.id, eventId)))
  const webhookAudit = (sessionId: string) =>
    asServiceRole(database.db, (tx) =>
      tx
        .select()
        .from(schema.wizardActions)
        .where(and(eq(schema.wizardActions.sessionId, sessionId), eq(schema.wizardActions.source, 'webhook'))),
    )

  it('applies a verified account.updated once: the account, the linked session and one audit row', async () => {
    const { organizer, sessionId, accountId, account } = await connectedWizard()
    const before = await storedAccount(accountId)
    const event = accountUpdated(verifiedAccount(account))

    const response = await deliver(server, signed(event))
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ received: true })

    const after = await storedAccount(accountId)
    expect(after).toMatchObject({ chargesEnabled: true, payoutsEnabled: true, detailsSubmitted: true })
    expect(after.lastEventCreated?.getTime()).toBe(event.created * 1000)
    expect(after.updatedAt.getTime()).toBeGreaterThanOrEqual(before.updatedAt.getTime())
    const [stored] = await storedEvents(event.id)
    expect(stored).toMatchObject({ type: 'account.updated', account: accountId, attempts: 1, error: null })
    expect(stored!.processedAt).toBeInstanceOf(Date)
    expect(stored!.payload).toEqual(event)

    const audit = await webhookAudit(sessionId)
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({
      actionName: 'paymentAccountUpdated',
      stage: 'paymentSetup',
      source: 'webhook',
      result: 'succeeded',
      userId: null,
      payload: { eventId: event.id, accountId, status: 'not_required' },
    })
    const [session] = await asServiceRole(database.db, (tx) => tx.select().from(schema.wizardSessions).where(eq(schema.wizardSessions.id, sessionId)))
    expect(session!.paymentSetup).toEqual({ status: 'not_required', accountId, chargesEnabled: true })
    expect((await organizer.api.wizard.get.query({ sessionId })).data.paymentSetup).toMatchObject({ chargesEnabled: true })
  })

  it('stores and applies an event delivered five times in a row, or five times at once, exactly once', async () => {
    const { sessionId, accountId, account } = await connectedWizard()
    const first = signed(accountUpdated({ ...account, details_submitted: true }, now() - 60))
    const sequential = []
    for (let i = 0; i < 5; i++) sequential.push((await deliver(server, first)).status)
    expect(sequential).toEqual([200, 200, 200, 200, 200])
    const afterFirst = await storedAccount(accountId)
    expect(afterFirst.detailsSubmitted).toBe(true)
    expect(await webhookAudit(sessionId)).toHaveLength(1)

    const second = signed(accountUpdated(verifiedAccount(account), now() - 30))
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => deliver(server, second)))
    expect(concurrent.map((response) => response.status)).toEqual([200, 200, 200, 200, 200])

    for (const delivery of [first, second]) {
      const rows = await storedEvents((JSON.parse(delivery.body) as { id: string }).id)
      expect(rows).toHaveLength(1)
      expect(rows[0]).toMatchObject({ attempts: 1, error: null })
    }
    const afterSecond = await storedAccount(accountId)
    expect(afterSecond.chargesEnabled).toBe(true)
    expect(await webhookAudit(sessionId)).toHaveLength(2)

    // A replay of a processed event changes nothing, not even the row's timestamp.
    expect((await deliver(server, second)).status).toBe(200)
    expect((await storedAccount(accountId)).updatedAt).toEqual(afterSecond.updatedAt)
    expect(await webhookAudit(sessionId)).toHaveLength(2)
  })

  it('answers 400 and writes nothing for a missing, wrong, forged, tampered or stale signature', async () => {
    const { sessionId, accountId, account } = await connectedWizard()
    const event = accountUpdated(verifiedAccount(account))
    const good = signed(event)
    const tampered = JSON.stringify({ ...event, data: { object: { ...verifiedAccount(account), id: 'acct_someone_else' } } })
    const deliveries = {
      missing: { body: good.body, signature: null },
      garbage: { body: good.body, signature: 't=12345,v1=deadbeef' },
      wrongSecret: signed(event, { secret: 'whsec_not_the_endpoint_secret' }),
      tamperedBody: { body: tampered, signature: good.signature },
      stale: signed(event, { timestamp: now() - 10 * 60 }),
    }
    for (const [name, delivery] of Object.entries(deliveries)) {
      const response = await deliver(server, delivery)
      expect(response.status, name).toBe(400)
    }
    expect(await storedEvents(event.id)).toEqual([])
    expect((await storedAccount(accountId)).chargesEnabled).toBe(false)
    expect(await webhookAudit(sessionId)).toEqual([])
  })

  it('stores and acknowledges event types it does not act on', async () => {
    const event = stripeEvent('customer.created', { id: `cus_${randomBytes(6).toString('hex')}`, object: 'customer' })
    const response = await deliver(server, signed(event))
    expect(response.status).toBe(200)
    const [stored] = await storedEvents(event.id)
    expect(stored).toMatchObject({ type: 'customer.created', account: null, attempts: 1 })
    expect(stored!.processedAt).toBeInstanceOf(Date)
  })

  it('acknowledges events about accounts it does not know, without an effect', async () => {
    const stranger = fakeAccount(`acct_${randomBytes(8).toString('hex')}`, { charges_enabled: true })
    const event = accountUpdated(stranger)
    expect((await deliver(server, signed(event))).status).toBe(200)
    const [stored] = await storedEvents(event.id)
    expect(stored!.processedAt).toBeInstanceOf(Date)
    const accounts = await asServiceRole(database.db, (tx) =>
      tx.select().from(schema.paymentAccounts).where(eq(schema.paymentAccounts.stripeAccountId, stranger.id)),
    )
    expect(accounts).toEqual([])
  })

  it('never lets an older account.updated undo a newer one', async () => {
    const { sessionId, accountId, account } = await connectedWizard()
    const newer = accountUpdated(verifiedAccount(account), now() - 10)
    const older = accountUpdated({ ...account, details_submitted: true }, now() - 100)
    expect((await deliver(server, signed(newer))).status).toBe(200)
    expect((await deliver(server, signed(older))).status).toBe(200)

    const stored = await storedAccount(accountId)
    expect(stored).toMatchObject({ chargesEnabled: true, payoutsEnabled: true })
    expect(stored.lastEventCreated?.getTime()).toBe(newer.created * 1000)
    expect((await storedEvents(older.id))[0]!.processedAt).toBeInstanceOf(Date)
    expect(await webhookAudit(sessionId)).toHaveLength(1)
  })

  it('answers 500 when processing fails, records the attempt, and applies the retry once', async () => {
    const { sessionId, accountId, account } = await connectedWizard()
    // A fault the app cannot cause: the first update of this account fails, later ones pass. A
    // sequence counts the attempts because it is not rolled back with the failing transaction.
    const fault = `payment_fault_${randomBytes(4).toString('hex')}`
    await asDatabaseOwner(database, [
      `create sequence public.${fault}`,
      `create function public.${fault}() returns trigger language plpgsql security definer set search_path = '' as $$
       begin
         if new.stripe_account_id = '${accountId}' and nextval('public.${fault}') = 1 then
           raise exception 'injected fault: the payment account could not be stored';
         end if;
         return new;
       end $$`,
      `create trigger ${fault} before update on event_wizard.payment_accounts for each row execute function public.${fault}()`,
    ])
    try {
      const delivery = signed(accountUpdated(verifiedAccount(account)))
      const eventId = (JSON.parse(delivery.body) as { id: string }).id

      const failed = await deliver(server, delivery)
      expect(failed.status).toBe(500)
      const [afterFailure] = await storedEvents(eventId)
      expect(afterFailure).toMatchObject({ processedAt: null, attempts: 1, error: expect.stringContaining('injected fault') })
      expect((await storedAccount(accountId)).chargesEnabled).toBe(false)
      expect(await webhookAudit(sessionId)).toEqual([])

      const retried = await deliver(server, delivery)
      expect(retried.status).toBe(200)
      const [afterRetry] = await storedEvents(eventId)
      expect(afterRetry).toMatchObject({ attempts: 2 })
      expect(afterRetry!.processedAt).toBeInstanceOf(Date)
      expect((await storedAccount(accountId)).chargesEnabled).toBe(true)
      expect(await webhookAudit(sessionId)).toHaveLength(1)

      expect((await deliver(server, delivery)).status).toBe(200)
      expect((await storedEvents(eventId))[0]).toMatchObject({ attempts: 2 })
      expect(await webhookAudit(sessionId)).toHaveLength(1)
    } finally {
      await asDatabaseOwner(database, [`drop trigger ${fault} on event_wizard.payment_accounts`])
    }
  })

  it('disconnects an account on account.application.deauthorized, named by event.account', async () => {
    const { organizer, sessionId, accountId, account } = await connectedWizard()
    expect((await deliver(server, signed(accountUpdated(verifiedAccount(account), now() - 20)))).status).toBe(200)
    const event = accountDeauthorized(accountId)
    expect((await deliver(server, signed(event))).status).toBe(200)
    expect((await deliver(server, signed(event))).status).toBe(200)

    expect((await storedAccount(accountId)).disconnectedAt).toBeInstanceOf(Date)
    const audit = await webhookAudit(sessionId)
    expect(audit.map((row) => row.actionName).sort()).toEqual(['paymentAccountDisconnected', 'paymentAccountUpdated'])
    expect((await organizer.api.wizard.get.query({ sessionId })).data.paymentSetup).toEqual({ status: 'not_required' })
  })
})
