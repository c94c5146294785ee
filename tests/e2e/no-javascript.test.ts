import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dayAfter } from '../support/wizard-fixtures'
import {
  createEventFromDashboard,
  currentStageOf,
  errorsBeside,
  eventsOfSession,
  expectFieldError,
  field,
  fillFields,
  fillThroughApi,
  formValues,
  intentButton,
  newContext,
  screenshot,
  signInInBrowser,
  signUp,
  signUpInBrowser,
  stageUrl,
  submitWithoutJs,
  TEST_TIMEOUT,
  tierFields,
  useBrowserApp,
  valuesOf,
} from './support'

/*
 * The whole wizard in a browser with JavaScript turned off: every page is a server-rendered form, every
 * button a real form post. Each stage is first submitted once with a mistake (its message must show
 * beside the field, with what was typed kept), then filled in properly; the event is published and its
 * public page shows what was entered, and never the meeting link.
 */
describe('the wizard with JavaScript turned off', { timeout: TEST_TIMEOUT }, () => {
  const now = new Date()
  const values = formValues(now)
  const { browser, app } = useBrowserApp()
  let context: BrowserContext
  let page: Page
  let sessionId: string
  let slug: string

  beforeAll(async () => {
    context = await newContext(browser, app.server, { javaScriptEnabled: false, viewport: { width: 1280, height: 900 } })
    page = await context.newPage()
  })
  afterAll(async () => {
    await context?.close()
  })

  const onStage = async (stage: string) => {
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/wizard/${sessionId}/${stage}`)
    expect(await currentStageOf(page)).toBe(stage)
  }
  const press = (intent: string) => submitWithoutJs(page, intentButton(page, intent))

  it('signs up and creates an event from the dashboard', async () => {
    await signUpInBrowser(page, app.server)
    sessionId = await createEventFromDashboard(page, app.server)
    await onStage('organizerSetup')
  })

  it('organizer: a wrong phone number is refused beside the field; a draft save keeps the values; continue moves on', async () => {
    const typed = { ...values.organizerSetup, phone: 'call me maybe' }
    await fillFields(page, typed)
    expect(await press('continue')).toBe(400)
    await onStage('organizerSetup')
    await expectFieldError(page, 'phone', 'Use a phone number such as +33 1 23 45 67 89.', 'call me maybe')
    expect(await valuesOf(page, ['name', 'organization', 'email'])).toEqual({
      name: typed.name,
      organization: typed.organization,
      email: typed.email,
    })
    await screenshot(page, 'no-js-organizerSetup-refused')

    await fillFields(page, { phone: values.organizerSetup.phone })
    expect(await press('save')).toBe(302)
    await onStage('organizerSetup')
    await page.reload()
    expect(await valuesOf(page, Object.keys(values.organizerSetup))).toEqual(values.organizerSetup)
    expect(await errorsBeside(page, 'phone').count()).toBe(0)

    expect(await press('continue')).toBe(302)
    await onStage('eventSetup')
  })

  it('event: a too-short title and a past date are refused beside their fields; valid details continue', async () => {
    const yesterday = dayAfter(now, -1)
    await fillFields(page, { ...values.eventSetup, title: 'AB', date: yesterday })
    expect(await press('continue')).toBe(400)
    await onStage('eventSetup')
    await expectFieldError(page, 'title', /at least 3/i, 'AB')
    await expectFieldError(page, 'date', /future/i, yesterday)
    expect(await valuesOf(page, ['description', 'startTime', 'endTime', 'timezone', 'type'])).toEqual({
      description: values.eventSetup.description,
      startTime: values.eventSetup.startTime,
      endTime: values.eventSetup.endTime,
      timezone: values.eventSetup.timezone,
      type: values.eventSetup.type,
    })
    await screenshot(page, 'no-js-eventSetup-refused')

    await fillFields(page, values.eventSetup)
    expect(await press('continue')).toBe(302)
    await onStage('venueSetup')
  })

  it('venue: an http meeting link is refused beside the field; the hybrid venue continues', async () => {
    const insecure = 'http://meet.example.com/autumn-show'
    await fillFields(page, { ...values.venueSetup, 'online.url': insecure })
    expect(await press('continue')).toBe(400)
    await onStage('venueSetup')
    await expectFieldError(page, 'online.url', /https/, insecure)
    expect(await valuesOf(page, ['mode', 'venue.name', 'venue.country', 'venue.capacity'])).toEqual({
      mode: values.venueSetup.mode,
      'venue.name': values.venueSetup['venue.name'],
      'venue.country': values.venueSetup['venue.country'],
      'venue.capacity': values.venueSetup['venue.capacity'],
    })
    await screenshot(page, 'no-js-venueSetup-refused')

    await fillFields(page, values.venueSetup)
    expect(await press('continue')).toBe(302)
    await onStage('ticketSetup')
  })

  it('tickets: a price with three decimals is refused; a second tier is added and removed, then added again', async () => {
    const general = values.tiers[0]!
    const press2 = values.tiers[1]!
    const addTier = page.getByRole('button', { name: 'Add a tier' })
    if ((await field(page, 'tiers[0].name').count()) === 0) {
      expect(await submitWithoutJs(page, addTier)).toBe(200)
    }
    await fillFields(page, { ...tierFields(0, { ...general, price: '25.999' }), totalCapacity: values.totalCapacity })
    expect(await press('continue')).toBe(400)
    await onStage('ticketSetup')
    await expectFieldError(page, 'tiers[0].price', /Use at most 2 decimals\./, '25.999')
    expect(await field(page, 'tiers[0].name').inputValue()).toBe(general.name)
    await screenshot(page, 'no-js-ticketSetup-refused')

    // A paid first tier (25.00 EUR), then a second tier that comes and goes: the first is kept each time.
    await fillFields(page, tierFields(0, { price: '25.00' }))
    expect(await submitWithoutJs(page, addTier)).toBe(200)
    expect(await page.locator('fieldset.tier').count()).toBe(2)
    expect(await field(page, 'tiers[1].currency').count()).toBe(0)
    expect(await field(page, 'currency').inputValue()).toBe('EUR')
    await fillFields(page, tierFields(1, { name: 'VIP', quantity: '20' }))
    expect(await submitWithoutJs(page, page.getByRole('button', { name: 'Remove tier 2' }))).toBe(200)
    expect(await page.locator('fieldset.tier').count()).toBe(1)
    expect(await field(page, 'tiers[1].name').count()).toBe(0)
    expect(await valuesOf(page, ['tiers[0].name', 'tiers[0].price', 'tiers[0].quantity', 'totalCapacity'])).toEqual({
      'tiers[0].name': general.name,
      'tiers[0].price': '25.00',
      'tiers[0].quantity': general.quantity,
      totalCapacity: values.totalCapacity,
    })

    expect(await submitWithoutJs(page, addTier)).toBe(200)
    expect(await page.locator('fieldset.tier').count()).toBe(2)
    expect(await field(page, 'tiers[1].name').inputValue()).toBe('')
    await fillFields(page, tierFields(1, press2))
    expect(await press('continue')).toBe(302)
    await onStage('paymentSetup')
  })

  it('payment: a paid tier without payments set up offers only the way back; made free, payment has nothing to do', async () => {
    expect(await page.locator('[data-payment-status]').getAttribute('data-payment-status')).toBe('not_connected')
    // No Continue that could only fail: the notice says why, and the one way on is back to the tickets.
    expect(await intentButton(page, 'continue').count()).toBe(0)
    expect(await page.locator('[data-payment-status]').textContent()).toMatch(/only free tickets can be published here/)
    expect(await intentButton(page, 'back').textContent()).toBe('Back to tickets')
    await screenshot(page, 'no-js-paymentSetup-refused')

    expect(await press('back')).toBe(302)
    await onStage('ticketSetup')
    expect(await field(page, 'tiers[0].price').inputValue()).toBe('25.00')
    await fillFields(page, tierFields(0, { price: '0' }))
    expect(await press('continue')).toBe(302)
    await onStage('paymentSetup')
    expect(await page.locator('[data-payment-status]').getAttribute('data-payment-status')).toBe('not_required')
    expect(await press('continue')).toBe(302)
    await onStage('sponsorsMedia')
  })

  it('sponsors: an http sponsor link is refused beside the field; a sponsor is added and saved', async () => {
    expect(await submitWithoutJs(page, page.getByRole('button', { name: 'Add a sponsor' }))).toBe(200)
    expect(await page.locator('fieldset.tier legend').textContent()).toBe('Sponsor 1')
    const insecure = 'http://maison-textile.example'
    await fillFields(page, { ...values.sponsorsMedia, 'sponsors[0].url': insecure })
    expect(await press('continue')).toBe(400)
    await onStage('sponsorsMedia')
    await expectFieldError(page, 'sponsors[0].url', /https/, insecure)
    expect(await valuesOf(page, ['coverImageUrl', 'sponsors[0].name', 'sponsors[0].level'])).toEqual({
      coverImageUrl: values.sponsorsMedia.coverImageUrl,
      'sponsors[0].name': values.sponsorsMedia['sponsors[0].name'],
      'sponsors[0].level': values.sponsorsMedia['sponsors[0].level'],
    })
    await screenshot(page, 'no-js-sponsorsMedia-refused')

    await fillFields(page, values.sponsorsMedia)
    expect(await press('continue')).toBe(302)
    await onStage('reviewPublish')
  })

  it('the stepper moves between reached stages with what was entered kept', async () => {
    const statuses = await page
      .locator('li[data-stage]')
      .evaluateAll((items) => items.map((item) => `${item.getAttribute('data-stage')}:${item.getAttribute('data-status')}`))
    expect(statuses).toEqual([
      'organizerSetup:completed',
      'eventSetup:completed',
      'venueSetup:completed',
      'ticketSetup:completed',
      'paymentSetup:completed',
      'sponsorsMedia:completed',
      'reviewPublish:current',
    ])
    expect(await submitWithoutJs(page, intentButton(page, 'goto:ticketSetup'))).toBe(302)
    await onStage('ticketSetup')
    expect(await page.locator('fieldset.tier').count()).toBe(2)
    expect(await valuesOf(page, ['tiers[0].name', 'tiers[0].price', 'tiers[1].name', 'tiers[1].price'])).toEqual({
      'tiers[0].name': 'General admission',
      'tiers[0].price': '0.00',
      'tiers[1].name': 'Press',
      'tiers[1].price': '0.00',
    })
    expect(await submitWithoutJs(page, intentButton(page, 'goto:reviewPublish'))).toBe(302)
    await onStage('reviewPublish')
  })

  it('review: publishing without the confirmation is refused; with it the event goes public', async () => {
    expect(await page.locator('.blockers').count()).toBe(0)
    // The preview shows the event as the public will see it: without the meeting link.
    const preview = page.locator('section.preview')
    expect(await preview.innerHTML()).toContain(values.eventSetup.title)
    expect(await preview.innerHTML()).not.toContain(values.venueSetup['online.url'])
    expect(await press('publish')).toBe(400)
    await onStage('reviewPublish')
    // Beside the checkbox, which has the focus: the page is long, the message must not be out of sight.
    await expectFieldError(page, 'confirm', 'Tick the box to confirm that the event may go public.', 'yes')
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('confirm')
    expect(await eventsOfSession(app.database, sessionId)).toHaveLength(0)
    await screenshot(page, 'no-js-reviewPublish-refused')

    await page.locator('input[name="confirm"]').check()
    expect(await press('publish')).toBe(302)
    const url = new URL(page.url())
    expect(url.pathname).toMatch(/^\/e\/[a-z0-9-]+$/)
    expect(url.searchParams.get('published')).toBe('1')
    slug = url.pathname.slice(3)
    const events = await eventsOfSession(app.database, sessionId)
    expect(events.map((event) => event.slug)).toEqual([slug])
  })

  it('the public page shows what was entered, and never the meeting link', async () => {
    await page.goto(`${page.url().split('?')[0]}`)
    expect(await page.locator('h1').textContent()).toBe(values.eventSetup.title)
    const text = (await page.locator('main').innerText()).replace(/\s+/g, ' ')
    expect(await page.locator('.event-page__type').textContent()).toBe('Fashion show')
    expect(text).toContain(values.eventSetup.description)
    expect(text).toContain(values.venueSetup['venue.name'])
    expect(text).toContain(values.venueSetup['venue.address'])
    expect(text).toContain(`${values.venueSetup['venue.postalCode']} ${values.venueSetup['venue.city']}`)
    expect(text).toContain('France')
    expect(text).toContain('Europe/Paris')
    expect(text).toContain('7:00 PM – 11:00 PM')

    const tiers = await page.locator('.event-page__tier-head').evaluateAll((heads) => heads.map((head) => head.textContent?.replace(/\s+/g, ' ').trim()))
    expect(tiers).toEqual(['General admissionFree', 'PressFree'])
    expect(text).toContain('Up to 4 per order')

    const sponsor = page.locator('.event-page__sponsor')
    expect(await sponsor.count()).toBe(1)
    expect(await sponsor.getAttribute('href')).toBe(values.sponsorsMedia['sponsors[0].url'])
    expect(await sponsor.innerText()).toContain(values.sponsorsMedia['sponsors[0].name'])
    expect(await sponsor.innerText()).toContain(values.sponsorsMedia['sponsors[0].level'])
    expect(await page.locator('img.event-page__cover').getAttribute('src')).toBe(values.sponsorsMedia.coverImageUrl)

    // The meeting link is for ticket holders: not in the text, not anywhere in the HTML.
    const html = await page.content()
    expect(html).not.toContain(values.venueSetup['online.url'])
    expect(html).not.toContain('meet.example.com')
    expect(text).toContain('Ticket holders receive the link to join.')
    await screenshot(page, 'no-js-public-page')
  })

  it('"Publish event" double-clicked in one tab and clicked in another at the same time makes exactly one event', async () => {
    const account = await signUp(app.server, 'double')
    const other = await newContext(browser, app.server, { javaScriptEnabled: false })
    try {
      const tabs = [await other.newPage(), await other.newPage()] as const
      await signInInBrowser(tabs[0], app.server, account.email)
      const { sessionId: session } = await account.api.wizard.create.mutate({ fresh: true })
      await fillThroughApi(account.api, session, 'reviewPublish')
      const posts: string[] = []
      for (const tab of tabs) {
        await tab.goto(stageUrl(app.server, session, 'reviewPublish'))
        await tab.locator('input[name="confirm"]').check()
        tab.on('request', (request) => {
          if (request.method() === 'POST') posts.push(request.url())
        })
      }
      const published = /\/e\/[a-z0-9-]+\?published=1$/
      await Promise.all([
        tabs[0].waitForURL(published),
        tabs[1].waitForURL(published),
        intentButton(tabs[0], 'publish').dblclick(),
        intentButton(tabs[1], 'publish').click(),
      ])
      // Chromium sends one post for the double click; the second tab sends its own.
      expect(posts.length).toBeGreaterThanOrEqual(2)

      const mine = await account.api.events.mine.query()
      expect(mine).toHaveLength(1)
      const rows = await eventsOfSession(app.database, session)
      expect(rows.map((row) => row.id)).toEqual([mine[0]!.id])
      for (const tab of tabs) {
        expect(new URL(tab.url()).pathname).toBe(`/e/${rows[0]!.slug}`)
        expect(await tab.locator('h1').textContent()).toBe(values.eventSetup.title)
      }
    } finally {
      await other.close()
    }
  })
})
