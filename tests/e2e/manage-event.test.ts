import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { recordOrder } from '../orders/sales-support'
import { eventWithTiers } from '../orders/support'
import {
  BROWSER_MODES,
  clickAndLoad,
  collectPageProblems,
  eventually,
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
 * The organizer follows "Manage" from the dashboard to their event's page, reads its sales, finds an
 * attendee, turns the page of attendees and downloads the CSV: with JavaScript on and off, on a phone
 * and a desktop, nothing wider than the screen.
 */
describe("the organizer's event page in a browser", { timeout: TEST_TIMEOUT }, () => {
  const { browser, app } = useBrowserApp()
  let email: string
  let eventId: string
  beforeAll(async () => {
    const organizer = await signUp(app.server, 'organizer')
    email = organizer.email
    const publisher = { id: organizer.id, email, claims: { role: 'authenticated' as const, sub: organizer.id, email } }
    const { event, tiers } = await eventWithTiers(
      app.database.db,
      [{ name: 'General admission' }, { name: 'Front row', price: 4500, quantity: 20 }],
      { title: 'Autumn Runway' },
      publisher,
    )
    eventId = event.id
    await recordOrder(app.database.db, eventId, {
      status: 'confirmed',
      lines: [{ tier: tiers[1]!, quantity: 2 }],
      fee: 450,
      buyer: { name: 'Grace Hopper', email: 'grace.brewster.murray.hopper@a-rather-long-domain-name.example' },
    })
    await recordOrder(app.database.db, eventId, {
      status: 'confirmed',
      lines: [{ tier: tiers[0]!, quantity: 30 }],
      buyer: { name: 'Studio Group', email: 'studio@example.test' },
    })
  })

  /** Follows a link or submits a GET form: a navigation in both modes, a document load without JavaScript. */
  async function go(page: Page, javaScript: boolean, act: () => Promise<void>, url: RegExp) {
    if (javaScript) await Promise.all([page.waitForURL(url), act()])
    else await Promise.all([page.waitForEvent('load'), act()])
    expect(page.url()).toMatch(url)
  }

  for (const { name, javaScript, viewport } of BROWSER_MODES) {
    it(name, async () => {
      const context = await newContext(browser, app.server, {
        javaScriptEnabled: javaScript,
        viewport,
        ...(javaScript ? { permissions: ['clipboard-read', 'clipboard-write'] } : {}),
      })
      const page = await context.newPage()
      const problems = javaScript ? collectPageProblems(page) : []
      await signInInBrowser(page, app.server, email)
      await go(page, javaScript, () => page.getByRole('link', { name: 'Manage Autumn Runway' }).click(), new RegExp(`/events/${eventId}$`))
      if (javaScript) await waitForHydration(page)

      await page.getByRole('heading', { level: 1, name: 'Autumn Runway' }).waitFor()
      expect(await page.locator('.manage__figures').innerText()).toMatch(/Sold\s+32/)
      expect(await page.getByRole('link', { name: 'Check in attendees' }).getAttribute('href')).toBe(`/events/${eventId}/check-in`)
      const revenue = page.getByLabel('Revenue in EUR')
      expect(await revenue.innerText()).toMatch(/Gross\s+€90\.00[\s\S]*Platform fee\s+€4\.50[\s\S]*Net\s+€85\.50/)
      expect((await widthsOf(page)).overflowing).toEqual([])
      await screenshot(page, `manage-event-${javaScript ? 'js' : 'no-js'}-${viewport === PHONE ? 'phone' : 'desktop'}`)

      // The public link: a field to select without JavaScript; a Copy button with it.
      const publicLink = await page.locator('#public-link').inputValue()
      expect(publicLink).toMatch(/\/e\/autumn-runway-[a-z0-9]+$/)
      const copy = page.getByRole('button', { name: 'Copy link' })
      expect(await copy.count()).toBe(javaScript ? 1 : 0)
      if (javaScript) {
        await copy.click()
        await eventually(() => page.getByRole('status').filter({ hasText: 'The link is on your clipboard.' }).count()).toBe(1)
        expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(publicLink)
      }

      // 32 tickets: two pages; then a search finds the one buyer.
      expect(await page.locator('.manage__attendees caption').innerText()).toBe('1–25 of 32')
      await go(page, javaScript, () => page.getByRole('link', { name: 'Next' }).click(), /\?page=2$/)
      await eventually(() => page.locator('.manage__attendees caption').innerText()).toBe('26–32 of 32')
      await page.getByLabel('Search by name, e-mail or ticket code').fill('hopper')
      await go(page, javaScript, () => page.getByRole('button', { name: 'Search' }).click(), /\?q=hopper$/)
      await eventually(() => page.locator('.manage__attendees tbody tr').count()).toBe(2)
      expect(await page.locator('.manage__attendees tbody').innerText()).toContain('grace.brewster.murray.hopper@a-rather-long-domain-name.example')
      expect((await widthsOf(page)).overflowing).toEqual([])

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()])
      expect(download.suggestedFilename()).toMatch(/^autumn-runway-[a-z0-9]+-attendees\.csv$/)

      if (!javaScript) {
        await clickAndLoad(page, page.getByRole('link', { name: 'Show all' }))
        expect(await page.locator('.manage__attendees caption').innerText()).toBe('1–25 of 32')
      }
      expect(problems).toEqual([])
      await context.close()
    })
  }
})
