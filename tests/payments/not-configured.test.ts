import { expect, it } from 'vitest'
import { asServiceRole } from '../../db/rls'
import * as schema from '../../db/schema'
import { describeEachDatabase } from '../support/databases'
import { fakeAccount } from '../support/fake-stripe'
import { browserCookie, fillThroughApi, paidStageData, signUp } from '../support/organizers'
import { failureOf, postForm, useTestServer } from '../support/server'
import { accountUpdated, deliver, signed } from '../support/stripe-webhooks'

/* A server without STRIPE_SECRET_KEY: free events publish; paid ones are told why they cannot. */
describeEachDatabase('a server without Stripe keys', (kind) => {
  const { server, database } = useTestServer(kind)

  it('publishes free events', async () => {
    const organizer = await signUp(server, 'free')
    const { sessionId } = await organizer.api.wizard.create.mutate({ fresh: true })
    const state = await fillThroughApi(organizer.api, sessionId, 'reviewPublish')
    expect(state.paymentStatus).toBe('not_required')
    expect(await organizer.api.wizard.publish.mutate({ sessionId })).toMatchObject({ sessionId })
  })

  it('refuses onboarding with PRECONDITION_FAILED, and says so on the payment stage of paid tickets', async () => {
    const organizer = await signUp(server, 'paid-unconfigured')
    const { sessionId } = await organizer.api.wizard.create.mutate({ fresh: true })
    await fillThroughApi(organizer.api, sessionId, 'paymentSetup', paidStageData(new Date()))

    const refused = await failureOf(organizer.api.payments.startOnboarding.mutate({ sessionId }))
    expect(refused.data?.code).toBe('PRECONDITION_FAILED')
    expect(refused.data?.httpStatus).toBe(412)
    expect(refused.message).toMatch(/Payments are not configured on this server/)

    const cookie = await browserCookie(server, organizer.email)
    const page = await fetch(`${server.url}/wizard/${sessionId}/paymentSetup`, { headers: { cookie } })
    const html = await page.text()
    expect(html).toContain('Payments are not configured on this server')
    expect(html).toContain('data-payment-status="not_connected"')
    expect(html).not.toContain('Set up payouts with Stripe')

    // A hand-made post of the button gets the same refusal on the page, not a 500.
    const posted = await postForm(server, `/wizard/${sessionId}/paymentSetup`, { intent: 'payouts' }, { cookie })
    expect(posted.status).toBe(412)
    expect(await posted.text()).toContain('Payments are not configured on this server')
  })

  it('has no webhook endpoint: 404, nothing stored', async () => {
    const event = accountUpdated(fakeAccount('acct_unconfigured'))
    const response = await deliver(server, signed(event))
    expect(response.status).toBe(404)
    expect(await asServiceRole(database.db, (tx) => tx.select().from(schema.stripeEvents))).toEqual([])
  })
})
