import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { asServiceRole } from '../../db/rls'
import * as schema from '../../db/schema'
import { eventWithTiers } from '../orders/support'
import { type FakeStripe, fakeAccount, startFakeStripe, verifiedAccount } from '../support/fake-stripe'
import { stripeEnv, WEBHOOK_SECRET } from '../support/stripe-webhooks'
import { collectPageProblems, DESKTOP, newContext, PHONE, screenshot, TEST_TIMEOUT, useBrowserApp, waitForHydration, widthsOf } from './support'

/*
 * A buyer pays for tickets: from the public page to the local stand-in of Stripe Checkout and back to
 * an order that says "payment received" only once the webhook has confirmed it — by itself with
 * JavaScript, with the Refresh button without.
 */
describe('a buyer pays for tickets through Checkout', { timeout: TEST_TIMEOUT }, () => {
  let fake: FakeStripe
  beforeAll(async () => {
    fake = await startFakeStripe()
  })
  afterAll(async () => {
    await fake?.close()
  })
  const { browser, app } = useBrowserApp({ env: () => stripeEnv(fake) })
  let slug: string
  let tierId: string
  beforeAll(async () => {
    fake.deliverWebhooksTo(app.server.url, WEBHOOK_SECRET)
    const accountId = `acct_${randomBytes(8).toString('hex')}`
    fake.accounts.set(accountId, verifiedAccount(fakeAccount(accountId)))
    const { event, tiers, publisher } = await eventWithTiers(app.database.db, [{ name: 'Front row', price: 2500, currency: 'EUR', maxPerOrder: 4 }], {
      paymentEnabled: true,
      stripeAccountId: accountId,
    })
    await asServiceRole(app.database.db, (tx) =>
      tx.insert(schema.paymentAccounts).values({ stripeAccountId: accountId, userId: publisher.id, chargesEnabled: true }),
    )
    slug = event.slug
    tierId = tiers[0]!.id
  })

  for (const { name, javaScriptEnabled, viewport } of [
    { name: 'on a phone without JavaScript', javaScriptEnabled: false, viewport: PHONE },
    { name: 'on a desktop with JavaScript', javaScriptEnabled: true, viewport: DESKTOP },
  ]) {
    it(name, async () => {
      const context = await newContext(browser, app.server, { javaScriptEnabled, viewport, alsoAllowed: [fake.url] })
      const page = await context.newPage()
      const problems = javaScriptEnabled ? collectPageProblems(page) : []
      await page.goto(`${app.server.url}/e/${slug}`)
      if (javaScriptEnabled) await waitForHydration(page)

      await page.selectOption(`#tier-${tierId}`, '2')
      await page.getByLabel('Your name').fill('Grace Hopper')
      await page.getByLabel('E-mail').fill('grace@example.test')
      const pay = page.getByRole('button', { name: 'Continue to payment' })
      await Promise.all([page.waitForURL(/\/checkout\/cs_test_\w+$/), pay.click()])
      expect(page.url()).toMatch(new RegExp(`^${fake.url}/checkout/cs_test_\\w+$`))
      expect(await page.getByRole('heading').textContent()).toBe('Pay €50.00')

      const deliveredBefore = fake.deliveries.length
      await Promise.all([page.waitForURL(/\/orders\/[0-9a-f-]{36}\?key=/), page.getByRole('button', { name: 'Pay €50.00' }).click()])
      expect(fake.deliveries.length).toBe(deliveredBefore + 1)
      if (javaScriptEnabled) {
        // The page asks again by itself until the webhook has confirmed the payment.
        await expect.poll(() => page.getByRole('status').textContent(), { timeout: 15_000 }).toBe('Confirmed: payment received')
      } else {
        expect((await fake.deliveries.at(-1)!).status).toBe(200)
        await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Refresh' }).click()])
        expect(await page.getByRole('status').textContent()).toBe('Confirmed: payment received')
      }
      await expect.poll(() => page.locator('.order-page__code').count()).toBe(2)
      expect(await page.locator('.order-page__qr svg').count()).toBe(2)
      expect((await widthsOf(page)).overflowing).toEqual([])
      await screenshot(page, `paid-order-${javaScriptEnabled ? 'js' : 'no-js'}`)
      expect(problems).toEqual([])
      await context.close()
    })
  }
})
