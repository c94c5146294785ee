import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { runCopilot, toolResultsOf, userMessage } from '../support/copilot-client'
import { describeEachDatabase } from '../support/databases'
import { type FakeStripe, startFakeStripe } from '../support/fake-stripe'
import { fillThroughApi, paidStageData, signUp } from '../support/organizers'
import { scriptedModel } from '../support/scripted-model'
import { useTestServer } from '../support/server'
import { stripeEnv } from '../support/stripe-webhooks'

/*
 * The payment stage through the copilot: startPaymentOnboarding goes through the same procedure as the
 * form's button (the real `stripe` client against a local fake of Stripe's API) and hands the link to the
 * model; only the organizer can follow it.
 */
describeEachDatabase('the copilot in the payment stage', (kind) => {
  let fake: FakeStripe
  const scripted = scriptedModel((call) =>
    call.toolResults.length === 0
      ? { toolCalls: [{ toolName: 'startPaymentOnboarding', input: {} }] }
      : { text: `Open this link: ${JSON.stringify(call.toolResults[0]!.output)}` },
  )
  beforeAll(async () => {
    fake = await startFakeStripe()
  })
  afterAll(() => fake?.close())
  const { server } = useTestServer(kind, () => stripeEnv(fake), { copilotModel: scripted.model })

  it('starts Stripe onboarding and gives the model the link to show', async () => {
    const organizer = await signUp(server, 'copilot-payouts')
    const { sessionId } = await organizer.api.wizard.create.mutate({})
    await fillThroughApi(organizer.api, sessionId, 'paymentSetup', paidStageData(new Date()))
    const run = await runCopilot(server, {
      headers: { authorization: `Bearer ${organizer.token}`, 'x-wizard-session': sessionId },
      threadId: randomUUID(),
      messages: [userMessage('Set up my payouts')],
    })
    expect(scripted.calls[0]!.tools).toContain('startPaymentOnboarding')
    const [result] = toolResultsOf(run.events)
    expect(result).toMatchObject({ toolName: 'startPaymentOnboarding', result: { ok: true, onboardingUrl: expect.stringMatching(/^https?:\/\//) } })
    expect(fake.requestsTo('POST', '/v1/accounts')).toHaveLength(1)
    const state = await organizer.api.wizard.get.query({ sessionId })
    expect(state.paymentStatus).toBe('pending')
  })
})
