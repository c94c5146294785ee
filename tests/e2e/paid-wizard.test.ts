import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StageId } from '../../server/wizard/stages'
import { type FakeStripe, startFakeStripe } from '../support/fake-stripe'
import { stripeEnv, WEBHOOK_SECRET } from '../support/stripe-webhooks'
import {
  collectPageProblems,
  DESKTOP,
  field,
  fillFields,
  fillThroughApi,
  intentButton,
  newContext,
  PHONE,
  screenshot,
  signInInBrowser,
  signUp,
  stageUrl,
  submitWithoutJs,
  TEST_TIMEOUT,
  tierFields,
  useBrowserApp,
  waitForHydration,
} from './support'

/*
 * An organizer sells paid tickets on a server with Stripe: a priced tier, "Set up payouts" as the
 * payment stage's only way on, Stripe's onboarding (the local stand-in's page) and back to a verified
 * account, then Continue, skip, publish — and the public page asks buyers to continue to payment.
 * JavaScript on and off, phone and desktop.
 */
const modes = [
  { javaScript: true, viewport: DESKTOP, label: 'JavaScript on, desktop' },
  { javaScript: true, viewport: PHONE, label: 'JavaScript on, phone' },
  { javaScript: false, viewport: DESKTOP, label: 'JavaScript off, desktop' },
  { javaScript: false, viewport: PHONE, label: 'JavaScript off, phone' },
] as const

describe('an organizer builds a paid event with Stripe payouts', { timeout: TEST_TIMEOUT }, () => {
  let fake: FakeStripe
  beforeAll(async () => {
    fake = await startFakeStripe()
  })
  afterAll(async () => {
    await fake?.close()
  })
  const { browser, app } = useBrowserApp({ env: () => stripeEnv(fake) })
  const contexts: BrowserContext[] = []

  beforeAll(async () => {
    fake.deliverWebhooksTo(app.server.url, WEBHOOK_SECRET)
  })
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {})
  })

  it.each(modes)('$label', async ({ javaScript, viewport, label }) => {
    const account = await signUp(app.server, 'organizer')
    const context = await newContext(browser, app.server, { javaScriptEnabled: javaScript, viewport, alsoAllowed: [fake.url] })
    contexts.push(context)
    const page = await context.newPage()
    const problems = javaScript ? collectPageProblems(page) : []
    await signInInBrowser(page, app.server, account.email)
    const { sessionId } = await account.api.wizard.create.mutate({ fresh: true })
    await fillThroughApi(account.api, sessionId, 'ticketSetup')
    await page.goto(stageUrl(app.server, sessionId, 'ticketSetup'))
    if (javaScript) await waitForHydration(page)

    const onStage = (stage: StageId) => page.waitForURL((url) => url.pathname.endsWith(`/${stage}`))
    async function press(button: ReturnType<Page['locator']>) {
      if (javaScript) {
        await button.focus()
        await button.click()
      } else {
        await submitWithoutJs(page, button)
      }
    }

    await fillFields(page, { currency: 'EUR', ...tierFields(0, { name: 'Front row', price: '25', quantity: '100' }) })
    // This server can take payments: no warning that only free tickets can be published.
    expect(await page.locator('[data-payments-off]').count()).toBe(0)
    await press(intentButton(page, 'continue'))
    await onStage('paymentSetup')

    // Until payouts are verified, setting them up is the one way on.
    await page.locator('[data-payment-status="not_connected"]').waitFor()
    expect(await intentButton(page, 'continue').count()).toBe(0)
    await screenshot(page, `paid-wizard-payouts-${label}`)
    const toStripe = page.waitForURL((url) => url.href.startsWith(`${fake.url}/setup/e/acct_`))
    await intentButton(page, 'payouts').click()
    await toStripe
    await Promise.all([onStage('paymentSetup'), page.getByRole('button', { name: 'Finish onboarding' }).click()])
    if (javaScript) await waitForHydration(page)
    await page.locator('[data-payment-status="verified"]').waitFor()
    expect(await intentButton(page, 'payouts').count()).toBe(0)

    await press(intentButton(page, 'continue'))
    await onStage('sponsorsMedia')
    await press(intentButton(page, 'skip'))
    await onStage('reviewPublish')
    // The review's preview shows the paid tier (waited for: with JavaScript the address changes before the page is drawn).
    await page.locator('main').getByText('Front row').first().waitFor()
    expect(await page.locator('main').textContent()).toContain('€25.00')
    await field(page, 'confirm').check()
    await press(intentButton(page, 'publish'))
    await page.waitForURL(/\/e\/[a-z0-9-]+\?published=1$/)

    // The public page sells the tier through Checkout.
    const buyer = await newContext(browser, app.server, { javaScriptEnabled: javaScript, viewport })
    contexts.push(buyer)
    const visitor = await buyer.newPage()
    await visitor.goto(page.url().replace('?published=1', ''))
    expect(await visitor.locator('main').textContent()).toContain('€25.00')
    expect(await visitor.getByRole('button', { name: 'Continue to payment' }).count()).toBe(1)
    expect(problems).toEqual([])
  })
})
