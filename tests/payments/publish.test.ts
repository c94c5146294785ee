import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { asServiceRole } from '../../db/rls'
import * as schema from '../../db/schema'
import { describeEachDatabase } from '../support/databases'
import { type FakeStripe, INITIAL_REQUIREMENTS, startFakeStripe } from '../support/fake-stripe'
import { browserCookie, fillThroughApi, paidStageData, signUp } from '../support/organizers'
import { failureOf, postForm, useTestServer } from '../support/server'
import { accountUpdated, deliver, signed, stripeEnv } from '../support/stripe-webhooks'

/*
 * Paid tickets from end to end over HTTP: the payment stage blocks them until Stripe says the
 * connected account can take charges (a signed account.updated), then the event publishes with
 * payments on and the account it pays into. The forms' side: the stage page tells the truth at each
 * step, its button posts to Stripe's onboarding, and Stripe's return and refresh links come back.
 */
describeEachDatabase('paid tickets and the payment stage', (kind) => {
  let fake: FakeStripe
  beforeAll(async () => {
    fake = await startFakeStripe()
  })
  afterAll(() => fake?.close())
  const { server, database } = useTestServer(kind, () => stripeEnv(fake))

  const stagePage = async (sessionId: string, cookie: string) => {
    const response = await fetch(`${server.url}/wizard/${sessionId}/paymentSetup`, { headers: { cookie }, redirect: 'manual' })
    expect(response.status).toBe(200)
    return response.text()
  }
  const statusIn = (html: string) => /data-payment-status="(\w+)"/.exec(html)?.[1]
  const accountOfSession = async (sessionId: string) =>
    (await asServiceRole(database.db, (tx) => tx.select().from(schema.wizardSessions).where(eq(schema.wizardSessions.id, sessionId))))[0]!.stripeAccountId!

  it('blocks publishing paid tiers until a signed account.updated enables charges, then publishes with payments on', async () => {
    const organizer = await signUp(server, 'paid')
    const { sessionId } = await organizer.api.wizard.create.mutate({ fresh: true })
    const data = paidStageData(new Date())
    const atPayment = await fillThroughApi(organizer.api, sessionId, 'paymentSetup', data)
    expect(atPayment.paymentStatus).toBe('not_connected')
    const blocked = await failureOf(organizer.api.wizard.publish.mutate({ sessionId }))
    expect(blocked.data?.code).toBe('PRECONDITION_FAILED')
    expect(blocked.data?.issues).toContainEqual({ path: 'paymentSetup.status', message: expect.any(String) })

    const { url } = await organizer.api.payments.startOnboarding.mutate({ sessionId })
    expect(url).toMatch(/^https:\/\/connect\.stripe\.com\//)
    const accountId = await accountOfSession(sessionId)
    const pending = await organizer.api.wizard.get.query({ sessionId })
    expect(pending.paymentStatus).toBe('pending')
    expect(pending.data.paymentSetup).toEqual({ status: 'pending', accountId, chargesEnabled: false, requirements: INITIAL_REQUIREMENTS })
    const stillBlocked = await failureOf(organizer.api.wizard.transition.mutate({ sessionId, from: 'paymentSetup', to: 'sponsorsMedia' }))
    expect(stillBlocked.data?.code).toBe('PRECONDITION_FAILED')

    // Stripe verifies the account and says so.
    const verified = fake.verify(accountId)
    expect((await deliver(server, signed(accountUpdated(verified)))).status).toBe(200)
    const ready = await organizer.api.wizard.get.query({ sessionId })
    expect(ready.paymentStatus).toBe('verified')
    expect(ready.issues.paymentSetup).toEqual([])

    await organizer.api.wizard.transition.mutate({ sessionId, from: 'paymentSetup', to: 'sponsorsMedia' })
    await organizer.api.wizard.merge.mutate({ sessionId, stage: 'sponsorsMedia', data: data.sponsorsMedia, validate: 'strict' })
    await organizer.api.wizard.transition.mutate({ sessionId, from: 'sponsorsMedia', to: 'reviewPublish' })
    const published = await organizer.api.wizard.publish.mutate({ sessionId })

    const [event] = await asServiceRole(database.db, (tx) => tx.select().from(schema.events).where(eq(schema.events.id, published.eventId)))
    expect(event).toMatchObject({ paymentEnabled: true, stripeAccountId: accountId, status: 'published' })
    const tiers = await asServiceRole(database.db, (tx) =>
      tx.select().from(schema.eventTicketTiers).where(eq(schema.eventTicketTiers.eventId, published.eventId)),
    )
    expect(tiers.map((tier) => tier.price).sort()).toEqual([2500, 4000])
  })

  it('shows the truth on the stage page, posts to Stripe without JavaScript, and comes back from it', async () => {
    const organizer = await signUp(server, 'stage-page')
    const cookie = await browserCookie(server, organizer.email)
    const { sessionId } = await organizer.api.wizard.create.mutate({ fresh: true })
    await fillThroughApi(organizer.api, sessionId, 'paymentSetup', paidStageData(new Date()))

    const notConnected = await stagePage(sessionId, cookie)
    expect(statusIn(notConnected)).toBe('not_connected')
    expect(notConnected).toContain('Set up payouts with Stripe')

    // The button is a plain form post; the answer sends the browser to Stripe's onboarding.
    const posted = await postForm(server, `/wizard/${sessionId}/paymentSetup`, { intent: 'payouts' }, { cookie })
    expect(posted.status).toBe(302)
    const location = posted.headers.get('location') ?? ''
    expect(location).toMatch(/^https:\/\/connect\.stripe\.com\/setup\/e\/acct_/)
    // …which the page's Content-Security-Policy lets a form go to.
    const csp = posted.headers.get('content-security-policy') ?? ''
    expect(csp).toMatch(/form-action 'self' https:\/\/connect\.stripe\.com https:\/\/checkout\.stripe\.com http:\/\/127\.0\.0\.1:\d+(;|$)/)
    const accountId = await accountOfSession(sessionId)

    const pending = await stagePage(sessionId, cookie)
    expect(statusIn(pending)).toBe('pending')
    expect(pending).toContain('Stripe still needs')
    expect(pending).toContain('a bank account for payouts')
    expect(pending).toContain('Set up payouts with Stripe')

    // The link expired: Stripe sends the browser to refresh with a GET, which changes nothing and
    // shows a form that posts itself (a button without JavaScript); the post makes a new link.
    const linksBefore = fake.requestsTo('POST', '/v1/account_links').length
    const accountsBefore = fake.requestsTo('POST', '/v1/accounts').length
    const readsBefore = fake.requestsTo('GET', `/v1/accounts/${accountId}`).length
    const refreshPage = await fetch(`${server.url}/wizard/${sessionId}/payments/refresh`, { headers: { cookie }, redirect: 'manual' })
    expect(refreshPage.status).toBe(200)
    const refreshHtml = await refreshPage.text()
    expect(refreshHtml).toMatch(/<form[^>]*method="post"[^>]*>/)
    expect(refreshHtml).toMatch(/<button[^>]*type="submit"[^>]*>Continue to Stripe<\/button>/)
    expect(fake.requestsTo('POST', '/v1/account_links').length).toBe(linksBefore)
    expect(fake.requestsTo('POST', '/v1/accounts').length).toBe(accountsBefore)
    expect(fake.requestsTo('GET', `/v1/accounts/${accountId}`).length).toBe(readsBefore)
    const refreshed = await postForm(server, `/wizard/${sessionId}/payments/refresh`, {}, { cookie })
    expect(refreshed.status).toBe(302)
    expect(refreshed.headers.get('location')).toMatch(new RegExp(`^https://connect\\.stripe\\.com/setup/e/${accountId}/`))
    expect(refreshed.headers.get('location')).not.toBe(location)
    expect(fake.requestsTo('POST', '/v1/account_links').length).toBe(linksBefore + 1)

    // Onboarding done: the return reads the account again, before any webhook, and lands on the stage.
    fake.verify(accountId)
    const reads = fake.requestsTo('GET', `/v1/accounts/${accountId}`).length
    const returned = await fetch(`${server.url}/wizard/${sessionId}/payments/return`, { headers: { cookie }, redirect: 'manual' })
    expect(returned.status).toBe(302)
    expect(returned.headers.get('location')).toBe(`/wizard/${sessionId}/paymentSetup`)
    expect(fake.requestsTo('GET', `/v1/accounts/${accountId}`).length).toBe(reads + 1)
    const [stored] = await asServiceRole(database.db, (tx) =>
      tx.select().from(schema.paymentAccounts).where(eq(schema.paymentAccounts.stripeAccountId, accountId)),
    )
    expect(stored).toMatchObject({ chargesEnabled: true, payoutsEnabled: true, detailsSubmitted: true, lastEventCreated: null })

    const verified = await stagePage(sessionId, cookie)
    expect(statusIn(verified)).toBe('verified')
    expect(verified).not.toContain('Set up payouts with Stripe')

    // An old link's refresh once charges are enabled: back to the stage, no new link.
    const linksAfter = fake.requestsTo('POST', '/v1/account_links').length
    const lateRefresh = await postForm(server, `/wizard/${sessionId}/payments/refresh`, {}, { cookie })
    expect(lateRefresh.status).toBe(302)
    expect(lateRefresh.headers.get('location')).toBe(`/wizard/${sessionId}/paymentSetup`)
    expect(fake.requestsTo('POST', '/v1/account_links').length).toBe(linksAfter)
  })

  it('sends a signed-out visitor to sign in, and answers 404 for a wizard that is not theirs', async () => {
    const owner = await signUp(server, 'return-owner')
    const stranger = await signUp(server, 'return-stranger')
    const { sessionId } = await owner.api.wizard.create.mutate({ fresh: true })
    const signedOut = await fetch(`${server.url}/wizard/${sessionId}/payments/return`, { redirect: 'manual' })
    expect(signedOut.status).toBe(302)
    expect(signedOut.headers.get('location')).toMatch(/^\/sign-in\?redirectTo=/)
    const cookie = await browserCookie(server, stranger.email)
    for (const end of ['return', 'refresh']) {
      const response = await fetch(`${server.url}/wizard/${sessionId}/payments/${end}`, { headers: { cookie }, redirect: 'manual' })
      expect(response.status, end).toBe(404)
    }
    const posted = await postForm(server, `/wizard/${sessionId}/payments/refresh`, {}, { cookie })
    expect(posted.status).toBe(404)
    // The post is a cookie-authenticated write like any other: another site cannot make it.
    const ownerCookie = await browserCookie(server, owner.email)
    const forged = await postForm(server, `/wizard/${sessionId}/payments/refresh`, {}, { cookie: ownerCookie, origin: 'https://evil.example' })
    expect(forged.status).toBe(403)
  })
})
