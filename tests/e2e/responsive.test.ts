import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type StageId, stageIds } from '../../server/wizard/stages'
import { validStageData } from '../support/wizard-fixtures'
import {
  type Api,
  DESKTOP,
  intentButton,
  newContext,
  PHONE,
  screenshot,
  signInInBrowser,
  signUp,
  stageUrl,
  TEST_TIMEOUT,
  useBrowserApp,
  waitForHydration,
  widthsOf,
} from './support'

/*
 * Every stage on a phone (375 px, touch, as a phone lays out) and on a desktop (1280 px), with JavaScript
 * and without: the page never scrolls sideways. Each stage is shown filled in as an organizer would leave
 * it (two ticket tiers, a sponsor, the review's preview), and written to
 * test-results/screens/<size>[-no-js]-<stage>.png for a person to look at.
 */
describe('every stage fits a phone and a desktop', { timeout: TEST_TIMEOUT }, () => {
  const data = validStageData(new Date())
  const { browser, app } = useBrowserApp()
  let api: Api
  let sessionId: string
  const sizes: { name: string; phone: boolean; javaScript: boolean; context?: BrowserContext; page?: Page }[] = [
    { name: 'phone', phone: true, javaScript: true },
    { name: 'desktop', phone: false, javaScript: true },
    { name: 'phone-no-js', phone: true, javaScript: false },
    { name: 'desktop-no-js', phone: false, javaScript: false },
  ]

  beforeAll(async () => {
    const account = await signUp(app.server, 'organizer')
    api = account.api
    sessionId = (await api.wizard.create.mutate({ fresh: true })).sessionId
    for (const size of sizes) {
      size.context = await newContext(browser, app.server, {
        javaScriptEnabled: size.javaScript,
        ...(size.phone ? { viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : { viewport: DESKTOP }),
      })
      size.page = await size.context.newPage()
      await signInInBrowser(size.page, app.server, account.email)
    }
  })
  afterAll(async () => {
    for (const size of sizes) await size.context?.close()
  })

  /** Opens `path` at each size, checks nothing sticks out sideways, and writes a screenshot. */
  async function checkAtEverySize(path: string, name: string, prepare?: (page: Page) => Promise<void>) {
    for (const size of sizes) {
      const page = size.page!
      await page.goto(`${app.server.url}${path}`)
      if (size.javaScript) await waitForHydration(page)
      if (prepare) await prepare(page)
      const widths = await widthsOf(page)
      const what = `${size.name} ${name}: ${JSON.stringify(widths)}`
      expect(widths.innerWidth, what).toBe(size.phone ? PHONE.width : DESKTOP.width)
      expect(widths.scrollWidth, what).toBeLessThanOrEqual(widths.innerWidth)
      expect(widths.controlsOutsideForm, what).toEqual([])
      await screenshot(page, `${size.name}-${name}`)
    }
  }

  const filled: Partial<Record<StageId, Record<string, unknown>>> = {
    organizerSetup: data.organizerSetup,
    eventSetup: data.eventSetup,
    venueSetup: data.venueSetup,
    ticketSetup: data.ticketSetup,
    sponsorsMedia: data.sponsorsMedia,
  }

  it('a stage refused with messages beside its fields still fits', async () => {
    await checkAtEverySize(`/wizard/${sessionId}/organizerSetup`, 'organizerSetup-errors', async (page) => {
      // The e-mail comes prefilled from the account: the name and the organization are refused.
      await intentButton(page, 'continue').click()
      await expect.poll(() => page.locator('ul.errors').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(2)
    })
  })

  for (const stage of stageIds) {
    it(`${stage}`, async () => {
      const stageData = filled[stage]
      if (stageData) await api.wizard.merge.mutate({ sessionId, stage, data: stageData, validate: 'strict' })
      await checkAtEverySize(new URL(stageUrl(app.server, sessionId, stage)).pathname, stage)
      const next = stageIds[stageIds.indexOf(stage) + 1]
      if (next) await api.wizard.transition.mutate({ sessionId, from: stage, to: next })
    })
  }

  it('the public page and the dashboard', async () => {
    const { slug } = await api.wizard.publish.mutate({ sessionId })
    await checkAtEverySize(`/e/${slug}`, 'public-page')
    await checkAtEverySize('/', 'dashboard')
  })
})
