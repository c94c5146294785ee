import { eq, sql } from 'drizzle-orm'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { queryRows } from '../../db/client'
import { asServiceRole } from '../../db/rls'
import * as schema from '../../db/schema'
import { placeOrder } from '../../server/orders/place-order'
import { eventWithTiers, orderDeps } from '../orders/support'
import type { TestUser } from '../support/fixtures'
import {
  collectPageProblems,
  DESKTOP,
  eventually,
  newContext,
  PHONE,
  screenshot,
  signUpInBrowser,
  submitWithoutJs,
  TEST_TIMEOUT,
  useBrowserApp,
  waitForHydration,
  widthsOf,
} from './support'

/*
 * The organizer checks tickets in at the door of their event: the first scan admits, the second says
 * when and by whom; a void ticket and an unknown code are refused. On a phone without JavaScript
 * (plain form posts), on a desktop with it (nothing reloads), and on a phone with a camera.
 */
describe('the organizer checks tickets in at the door', { timeout: TEST_TIMEOUT }, () => {
  const { browser, app } = useBrowserApp()

  /** An event of the signed-up organizer with a confirmed order of two tickets, the second one void. */
  async function doorOf(email: string) {
    const [account] = await asServiceRole(app.database.db, (tx) => queryRows<{ id: string }>(tx, sql`select id from auth.users where email = ${email}`))
    const organizer: TestUser = { id: account!.id, email, claims: { role: 'authenticated', sub: account!.id } }
    const { event, tiers } = await eventWithTiers(app.database.db, [{ name: 'Front row' }], { title: 'Autumn Runway' }, organizer)
    const placed = await placeOrder(orderDeps(app.database.db), {
      eventId: event.id,
      items: [{ tierId: tiers[0]!.id, quantity: 2 }],
      buyer: { name: 'Ada Lovelace', email: 'ada@example.test' },
    })
    const tickets = await asServiceRole(app.database.db, async (tx) => {
      const rows = await tx.select().from(schema.tickets).where(eq(schema.tickets.orderId, placed.orderId))
      await tx.update(schema.tickets).set({ status: 'void' }).where(eq(schema.tickets.id, rows[1]!.id))
      return rows
    })
    return { eventId: event.id, valid: tickets[0]!.code, voided: tickets[1]!.code }
  }

  const result = (page: Page) => page.locator('.check-in__result')
  /** With JavaScript: the status of the fetcher's post that `action` makes. */
  const answerStatus = async (page: Page, action: Promise<unknown>) => {
    const [response] = await Promise.all([page.waitForResponse((response) => response.request().method() === 'POST'), action])
    return response.status()
  }
  /**
   * What the page reported, less the browser's own line for each refusal the form answered (a 4xx is
   * the answer there: unknown code, void ticket, no code).
   */
  const unexpected = (problems: string[]) =>
    problems.filter((problem) => !/^console: Failed to load resource: the server responded with a status of (400|404|409) /.test(problem))
  const checkedIn = (code: string) =>
    asServiceRole(app.database.db, async (tx) => (await tx.select().from(schema.tickets).where(eq(schema.tickets.code, code)))[0]!)

  for (const { name, javaScriptEnabled, viewport } of [
    { name: 'typing codes on a phone without JavaScript', javaScriptEnabled: false, viewport: PHONE },
    { name: 'typing codes on a desktop with JavaScript', javaScriptEnabled: true, viewport: DESKTOP },
  ]) {
    it(name, async () => {
      const context = await newContext(browser, app.server, { javaScriptEnabled, viewport })
      const page = await context.newPage()
      const problems = javaScriptEnabled ? collectPageProblems(page) : []
      const email = await signUpInBrowser(page, app.server)
      const door = await doorOf(email)
      await page.goto(`${app.server.url}/events/${door.eventId}/check-in`)
      if (javaScriptEnabled) await waitForHydration(page)
      expect(await page.title()).toBe('Check-in · Autumn Runway · Event Wizard')
      expect(await page.getByRole('link', { name: /Autumn Runway/ }).getAttribute('href')).toBe(`/events/${door.eventId}`)
      // The camera needs JavaScript (and a browser with a QR detector, which headless Chromium lacks).
      expect(await page.getByRole('button', { name: 'Scan with camera' }).count()).toBe(0)

      const loads: string[] = []
      page.on('load', () => loads.push(page.url()))
      /** Types a code and checks it in; without JavaScript, returns the status of the form post. */
      const check = async (code: string, expected: RegExp) => {
        await page.getByLabel('Ticket code').fill(code)
        const button = page.getByRole('button', { name: 'Check in' })
        const status = javaScriptEnabled ? await answerStatus(page, button.click()) : await submitWithoutJs(page, button)
        await eventually(async () => (await result(page).textContent()) ?? '').toMatch(expected)
        // Cleared for the next ticket.
        expect(await page.getByLabel('Ticket code').inputValue()).toBe('')
        return status
      }

      // Typed as a person reads it off a printout: lower case, in groups.
      const typed = `${door.valid.slice(0, 4).toLowerCase()} ${door.valid.slice(4, 8)}-${door.valid.slice(8)}`
      expect(await check(typed, /✓ Admitted/)).toBe(200)
      expect(await result(page).textContent()).toContain('Ada Lovelace')
      expect(await result(page).textContent()).toContain('Front row')
      const first = await checkedIn(door.valid)
      expect(first.checkedInAt).not.toBeNull()
      await screenshot(page, `check-in-admitted-${javaScriptEnabled ? 'js' : 'no-js'}`)

      expect(await check(door.valid, /Already checked in/)).toBe(200)
      const again = (await result(page).textContent()) ?? ''
      expect(again).toContain(`by you (${email})`)
      expect(await result(page).locator('time').getAttribute('datetime')).toBe(first.checkedInAt!.toISOString())
      expect(again).toMatch(/At .*\d{1,2}:\d{2}/)
      // The first check-in stands.
      expect((await checkedIn(door.valid)).checkedInAt).toEqual(first.checkedInAt)
      await screenshot(page, `check-in-again-${javaScriptEnabled ? 'js' : 'no-js'}`)

      expect(await check(door.voided, /✕ Void ticket/)).toBe(409)
      expect(await result(page).textContent()).toContain('This ticket is void (refunded or cancelled).')
      expect((await checkedIn(door.voided)).checkedInAt).toBeNull()

      expect(await check('ABCD EFGH JKLM NPQR', /✕ Unknown code/)).toBe(404)
      expect(await result(page).textContent()).toContain('No ticket with this code for this event.')

      await page.getByLabel('Ticket code').fill('   ')
      const button = page.getByRole('button', { name: 'Check in' })
      expect(javaScriptEnabled ? await answerStatus(page, button.click()) : await submitWithoutJs(page, button)).toBe(400)
      await eventually(() => page.locator('#check-in-code-error').textContent()).toBe('Type or scan a ticket code.')
      expect(await page.getByLabel('Ticket code').getAttribute('aria-invalid')).toBe('true')

      expect((await widthsOf(page)).overflowing).toEqual([])
      // With JavaScript, nothing reloaded: every answer came through the fetcher.
      expect(loads).toEqual(javaScriptEnabled ? [] : Array(5).fill(`${app.server.url}/events/${door.eventId}/check-in`))
      expect(unexpected(problems)).toEqual([])
      await context.close()
    })
  }

  it('scanning with the phone camera where the browser can read QR codes', async () => {
    const context = await newContext(browser, app.server, { javaScriptEnabled: true, viewport: PHONE })
    // Headless Chromium has neither a camera nor a QR detector: a canvas stands in for the camera, and
    // a detector that reads whatever code the test holds up.
    await context.addInitScript(() => {
      const held = window as unknown as { heldCode?: string; cameraAsked?: unknown; detectorFormats?: unknown }
      ;(window as unknown as { BarcodeDetector: unknown }).BarcodeDetector = class {
        constructor(options: { formats: string[] }) {
          held.detectorFormats = options.formats
        }
        detect() {
          return Promise.resolve(held.heldCode ? [{ rawValue: held.heldCode }] : [])
        }
      }
      const getUserMedia = (constraints: unknown) => {
        held.cameraAsked = constraints
        const canvas = document.createElement('canvas')
        canvas.width = 64
        canvas.height = 64
        const draw = canvas.getContext('2d')!
        setInterval(() => {
          draw.fillStyle = `hsl(${Date.now() % 360} 50% 50%)`
          draw.fillRect(0, 0, 64, 64)
        }, 50)
        return Promise.resolve(canvas.captureStream(20))
      }
      Object.defineProperty(navigator, 'mediaDevices', { value: { getUserMedia }, configurable: true })
    })
    const page = await context.newPage()
    const problems = collectPageProblems(page)
    const email = await signUpInBrowser(page, app.server)
    const door = await doorOf(email)
    await page.goto(`${app.server.url}/events/${door.eventId}/check-in`)
    await waitForHydration(page)

    await page.getByRole('button', { name: 'Scan with camera' }).click()
    await page.getByRole('button', { name: 'Stop camera' }).waitFor()
    expect(await page.evaluate(() => (window as unknown as { cameraAsked: unknown }).cameraAsked)).toEqual({
      video: { facingMode: 'environment' },
      audio: false,
    })
    await page.evaluate((code) => {
      ;(window as unknown as { heldCode: string }).heldCode = code
    }, door.valid)
    await eventually(async () => (await result(page).textContent()) ?? '').toMatch(/✓ Admitted/)
    expect(await page.evaluate(() => (window as unknown as { detectorFormats: unknown }).detectorFormats)).toEqual(['qr_code'])
    expect((await checkedIn(door.valid)).checkedInBy).not.toBeNull()
    // The code held up for a while counts as one scan: still "admitted", not "already checked in".
    await page.waitForTimeout(1000)
    expect(await result(page).textContent()).toMatch(/✓ Admitted/)

    // The next ticket held up: refused, through the same form.
    await page.evaluate((code) => {
      ;(window as unknown as { heldCode: string }).heldCode = code
    }, door.voided)
    await eventually(async () => (await result(page).textContent()) ?? '').toMatch(/✕ Void ticket/)
    await screenshot(page, 'check-in-camera')
    expect((await widthsOf(page)).overflowing).toEqual([])

    await page.getByRole('button', { name: 'Stop camera' }).click()
    await page.getByRole('button', { name: 'Scan with camera' }).waitFor()
    expect(unexpected(problems)).toEqual([])
    await context.close()
  })
})
