import { beforeAll, describe, expect, it } from 'vitest'
import { eventWithTiers } from '../orders/support'
import {
  collectPageProblems,
  DESKTOP,
  newContext,
  PHONE,
  screenshot,
  submitWithoutJs,
  TEST_TIMEOUT,
  useBrowserApp,
  waitForHydration,
  widthsOf,
} from './support'

const MEETING_LINK = 'https://meet.example.test/secret-room'

/*
 * A stranger registers for a free event from its public page and sees their tickets: on a phone with
 * JavaScript off (plain form posts), and on a desktop with it on.
 */
describe('a stranger registers for a free event', { timeout: TEST_TIMEOUT }, () => {
  const { browser, app } = useBrowserApp()
  let slug: string
  let tierId: string
  beforeAll(async () => {
    // The fixture event starts in 2030: on sale now on the real clock.
    const { event, tiers } = await eventWithTiers(app.database.db, [{ name: 'General', maxPerOrder: 4 }], {
      venueMode: 'hybrid',
      onlineUrl: MEETING_LINK,
    })
    slug = event.slug
    tierId = tiers[0]!.id
  })

  for (const { name, javaScriptEnabled, viewport } of [
    { name: 'on a phone without JavaScript', javaScriptEnabled: false, viewport: PHONE },
    { name: 'on a desktop with JavaScript', javaScriptEnabled: true, viewport: DESKTOP },
  ]) {
    it(name, async () => {
      const context = await newContext(browser, app.server, { javaScriptEnabled, viewport })
      const page = await context.newPage()
      const problems = javaScriptEnabled ? collectPageProblems(page) : []
      await page.goto(`${app.server.url}/e/${slug}`)
      if (javaScriptEnabled) await waitForHydration(page)
      expect(await page.content()).not.toContain('secret-room')

      await page.selectOption(`#tier-${tierId}`, '2')
      await page.getByLabel('Your name').fill('Ada Lovelace')
      await page.getByLabel('E-mail').fill('ada@example.test')
      const register = page.getByRole('button', { name: 'Register' })
      if (javaScriptEnabled) {
        await Promise.all([page.waitForURL(/\/orders\/[0-9a-f-]{36}$/), register.click()])
      } else {
        expect(await submitWithoutJs(page, register)).toBe(302)
      }
      expect(page.url()).toMatch(/\/orders\/[0-9a-f-]{36}$/)
      await expect.poll(() => page.locator('.order-page__code').count()).toBe(2)
      expect(await page.locator('.order-page__qr svg').count()).toBe(2)
      expect(await page.getByRole('link', { name: MEETING_LINK }).count()).toBe(1)
      expect(await page.getByRole('link', { name: 'Add to calendar' }).getAttribute('href')).toMatch(/\/calendar\.ics$/)
      expect((await widthsOf(page)).overflowing).toEqual([])
      await screenshot(page, `registration-${javaScriptEnabled ? 'js' : 'no-js'}`)

      // Reloaded, the order page still opens: the HttpOnly cookie set when ordering is the access.
      await page.reload()
      expect(await page.locator('.order-page__code').count()).toBe(2)
      expect(problems).toEqual([])
      await context.close()
    })
  }
})
