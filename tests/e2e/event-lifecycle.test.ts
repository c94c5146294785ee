import { eq } from 'drizzle-orm'
import { beforeAll, describe, expect, it } from 'vitest'
import { asServiceRole } from '../../db/rls'
import * as schema from '../../db/schema'
import { recordOrder } from '../orders/sales-support'
import { eventWithTiers } from '../orders/support'
import {
  BROWSER_MODES,
  collectPageProblems,
  field,
  fillThroughApi,
  follow,
  newContext,
  PHONE,
  screenshot,
  signInInBrowser,
  signUp,
  TEST_TIMEOUT,
  useBrowserApp,
  waitForHydration,
  widthsOf,
} from './support'

/*
 * A live event from its organizer's page: unpublish and publish again, then cancel it through the
 * confirmation page (refused without the tick, the message kept), after which the public page says
 * cancelled and the attendee's order is cancelled and e-mailed; "Duplicate" opens a new wizard filled in
 * from the event but its dates. JavaScript on and off, phone and desktop.
 * (Refunds of paid orders through Stripe: tests/orders/cancel-event.test.ts.)
 */
describe('unpublishing, publishing again and cancelling an event in a browser', { timeout: TEST_TIMEOUT }, () => {
  const { browser, app } = useBrowserApp()
  let organizer: Awaited<ReturnType<typeof signUp>>
  beforeAll(async () => {
    organizer = await signUp(app.server, 'organizer')
  })

  for (const { name, javaScript, viewport } of BROWSER_MODES) {
    it(name, async () => {
      const size = `${javaScript ? 'js' : 'no-js'}-${viewport === PHONE ? 'phone' : 'desktop'}`
      const publisher = {
        id: organizer.id,
        email: organizer.email,
        claims: { role: 'authenticated' as const, sub: organizer.id, email: organizer.email },
      }
      const { event, tiers } = await eventWithTiers(
        app.database.db,
        [{ name: 'Guest list', price: 0, quantity: 50 }],
        { title: `Winter Pop-up ${size}` },
        publisher,
      )
      const order = await recordOrder(app.database.db, event.id, {
        status: 'confirmed',
        lines: [{ tier: tiers[0]!, quantity: 2 }],
        buyer: { name: 'Grace Hopper', email: `grace-${size}@example.test` },
      })

      const context = await newContext(browser, app.server, { javaScriptEnabled: javaScript, viewport })
      const page = await context.newPage()
      const problems = javaScript ? collectPageProblems(page) : []
      await signInInBrowser(page, app.server, organizer.email)
      await page.goto(`${app.server.url}/events/${event.id}`)
      if (javaScript) await waitForHydration(page)
      const status = page.locator('.manage__status')
      const done = page.locator('.manage__done')

      // Off the public page and back.
      await follow(page, javaScript, () => page.getByRole('button', { name: 'Unpublish' }).click(), /\?done=unpublished$/)
      await done.filter({ hasText: 'The event is unpublished' }).waitFor()
      expect(await status.innerText()).toBe('Unpublished')
      expect((await fetch(`${app.server.url}/e/${event.slug}`)).status).toBe(404)
      await follow(page, javaScript, () => page.getByRole('button', { name: 'Publish again' }).click(), /\?done=published$/)
      await done.filter({ hasText: 'The event is live again.' }).waitFor()
      expect(await status.innerText()).toBe('Live')

      // The confirmation page says what will happen; without the tick nothing does.
      await follow(page, javaScript, () => page.getByRole('link', { name: 'Cancel event…' }).click(), new RegExp(`/events/${event.id}/cancel$`))
      if (javaScript) await waitForHydration(page)
      await page.getByRole('heading', { level: 1, name: 'Cancel this event?' }).waitFor()
      expect(await page.locator('.manage__refund').innerText()).toContain('1 order is cancelled and its tickets void.')
      await page.getByLabel('Message to attendees (optional)').fill('The venue is closed for repairs.\nWe will be back in spring.')
      const cancel = page.getByRole('button', { name: 'Cancel event' })
      if (javaScript) await cancel.click()
      else await Promise.all([page.waitForEvent('load'), cancel.click()])
      const refusal = page.locator(`#${await page.getByLabel('I want to cancel this event for everyone.').getAttribute('id')}-error`)
      await refusal.filter({ hasText: 'Tick the box to confirm that the event is called off.' }).waitFor()
      expect(await page.getByLabel('Message to attendees (optional)').inputValue()).toBe('The venue is closed for repairs.\nWe will be back in spring.')
      expect((await widthsOf(page)).overflowing).toEqual([])
      await screenshot(page, `cancel-event-${size}`)
      expect((await asServiceRole(app.database.db, (tx) => tx.select().from(schema.orders).where(eq(schema.orders.id, order.orderId))))[0]!.status).toBe(
        'confirmed',
      )

      await page.getByLabel('I want to cancel this event for everyone.').check()
      await follow(page, javaScript, () => cancel.click(), /\?done=event-cancelled/)
      await page.locator('.event-cancelled').filter({ hasText: 'Every order is cancelled or refunded.' }).waitFor()
      expect(await status.innerText()).toBe('Cancelled')
      expect(await page.locator('.event-cancelled').innerText()).toContain('We will be back in spring.')
      expect(await page.getByRole('link', { name: 'Cancel event…' }).count()).toBe(0)
      expect(await page.getByRole('button', { name: 'Publish again' }).count()).toBe(0)
      expect((await widthsOf(page)).overflowing).toEqual([])
      await screenshot(page, `cancelled-event-manage-${size}`)

      const [ended] = await asServiceRole(app.database.db, (tx) => tx.select().from(schema.orders).where(eq(schema.orders.id, order.orderId)))
      expect(ended!.status).toBe('cancelled')
      const emails = await asServiceRole(app.database.db, (tx) =>
        tx
          .select()
          .from(schema.emailOutbox)
          .where(eq(schema.emailOutbox.recipient, `grace-${size}@example.test`)),
      )
      expect(emails.map((email) => email.template)).toEqual(['event-cancellation'])

      // The public page says so, in the organizer's words, and offers no tickets.
      await follow(page, javaScript, () => page.getByRole('link', { name: 'View public page' }).click(), new RegExp(`/e/${event.slug}$`))
      await page.getByRole('heading', { name: 'This event is cancelled' }).waitFor()
      expect(await page.locator('.event-cancelled__message').innerText()).toContain('The venue is closed for repairs.')
      expect(await page.getByRole('button', { name: /Register|Continue to payment/ }).count()).toBe(0)
      expect(await page.locator('.event-page').innerText()).toContain('Registration is closed: the event is cancelled.')
      await screenshot(page, `cancelled-event-public-${size}`)
      expect(problems).toEqual([])
      await context.close()
    })

    it(`duplicates an event made with the wizard ${name}`, async () => {
      const { sessionId } = await organizer.api.wizard.create.mutate({ fresh: true })
      await fillThroughApi(organizer.api, sessionId, 'reviewPublish')
      const original = await organizer.api.wizard.publish.mutate({ sessionId })
      const context = await newContext(browser, app.server, { javaScriptEnabled: javaScript, viewport })
      const page = await context.newPage()
      const problems = javaScript ? collectPageProblems(page) : []
      await signInInBrowser(page, app.server, organizer.email)
      await page.goto(`${app.server.url}/events/${original.eventId}`)
      if (javaScript) await waitForHydration(page)
      await follow(page, javaScript, () => page.getByRole('button', { name: 'Duplicate' }).click(), /\/wizard\/[0-9a-f-]+\/eventSetup$/)
      if (javaScript) await waitForHydration(page)
      await page.getByRole('heading', { level: 1, name: 'Your event' }).waitFor()
      expect(page.url()).not.toContain(sessionId)
      expect(await field(page, 'title').inputValue()).toBe('Autumn Collection Show')
      expect(await field(page, 'timezone').inputValue()).toBe('Europe/Paris')
      expect(await field(page, 'date').inputValue()).toBe('')
      expect(await field(page, 'startTime').inputValue()).toBe('')
      expect(problems).toEqual([])
      await context.close()
    })
  }
})
