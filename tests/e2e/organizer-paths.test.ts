import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type StageId } from '../../server/wizard/stages'
import { dayAfter } from '../support/wizard-fixtures'
import {
  type Api,
  collectPageProblems,
  DESKTOP,
  eventually,
  expectFieldError,
  field,
  fillFields,
  fillThroughApi,
  formValues,
  intentButton,
  newContext,
  PHONE,
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
 * The paths organizers really take, each with JavaScript on and off and at phone and desktop widths:
 * every venue mode leaves the venue stage; a wrong field never freezes the buttons that do not submit
 * the stage (back, skip, add a row, the stepper, save draft); a refused submit names every problem at
 * once; the publish confirmation's refusal stands beside the checkbox.
 */
const modes = [
  { javaScript: true, viewport: DESKTOP, label: 'JavaScript on, desktop' },
  { javaScript: true, viewport: PHONE, label: 'JavaScript on, phone' },
  { javaScript: false, viewport: DESKTOP, label: 'JavaScript off, desktop' },
  { javaScript: false, viewport: PHONE, label: 'JavaScript off, phone' },
] as const

const values = formValues(new Date())
const venues = {
  physical: {
    mode: 'physical',
    'venue.name': values.venueSetup['venue.name'],
    'venue.address': values.venueSetup['venue.address'],
    'venue.city': values.venueSetup['venue.city'],
    'venue.country': values.venueSetup['venue.country'],
  },
  virtual: { mode: 'virtual', 'online.url': values.venueSetup['online.url'] },
  hybrid: {
    mode: 'hybrid',
    'venue.name': values.venueSetup['venue.name'],
    'venue.address': values.venueSetup['venue.address'],
    'venue.city': values.venueSetup['venue.city'],
    'venue.country': values.venueSetup['venue.country'],
    'online.url': values.venueSetup['online.url'],
  },
} as const

describe.each(modes)('organizer paths ($label)', { timeout: TEST_TIMEOUT }, ({ javaScript, viewport }) => {
  const { browser, app } = useBrowserApp()
  const contexts: BrowserContext[] = []

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {})
  })

  /** A new organizer in their own browser, with a wizard filled in through the API up to `stage`. */
  async function organizerAt(stage: StageId): Promise<{ page: Page; api: Api; sessionId: string; problems: string[] }> {
    const account = await signUp(app.server, 'organizer')
    const context = await newContext(browser, app.server, { javaScriptEnabled: javaScript, viewport })
    contexts.push(context)
    const page = await context.newPage()
    const problems = collectPageProblems(page)
    await signInInBrowser(page, app.server, account.email)
    const { sessionId } = await account.api.wizard.create.mutate({ fresh: true })
    await fillThroughApi(account.api, sessionId, stage)
    await page.goto(stageUrl(app.server, sessionId, stage))
    if (javaScript) await waitForHydration(page)
    return { page, api: account.api, sessionId, problems }
  }

  /** Clicks a stage form button and waits for its outcome: a new document without JavaScript, a settled page with it. */
  async function press(page: Page, intent: string): Promise<void> {
    const button = intentButton(page, intent)
    if (!javaScript) {
      await submitWithoutJs(page, button)
      return
    }
    // Focus first, as a person would: the inline checks load on the first focus in the form.
    await button.focus()
    await button.click()
  }

  const onStage = (page: Page, stage: StageId) => page.waitForURL((url) => url.pathname.endsWith(`/${stage}`))

  it.each(Object.keys(venues) as (keyof typeof venues)[])('venue: "%s" continues to the tickets', async (mode) => {
    const { page, problems } = await organizerAt('venueSetup')
    await fillFields(page, venues[mode])
    await press(page, 'continue')
    await onStage(page, 'ticketSetup')
    expect(problems).toEqual([])
  })

  it('venue: back, save draft and the stepper work with the venue half filled', async () => {
    const { page, api, sessionId } = await organizerAt('venueSetup')
    await fillFields(page, { mode: 'physical', 'venue.name': 'Palais de Tokyo' })
    await press(page, 'save')
    await eventually(async () => ((await api.wizard.get.query({ sessionId })).data.venueSetup as { venue?: { name?: string } })?.venue?.name).toBe(
      'Palais de Tokyo',
    )
    await press(page, 'back')
    await onStage(page, 'eventSetup')
    await press(page, 'goto:venueSetup')
    await onStage(page, 'venueSetup')
    expect(await field(page, 'venue.name').inputValue()).toBe('Palais de Tokyo')
  })

  it('sponsors: a wrong cover link never blocks adding a sponsor, skipping, or going back', async () => {
    const { page } = await organizerAt('sponsorsMedia')
    await fillFields(page, { coverImageUrl: 'ftp://cdn.example.com/x.jpg' })
    if (javaScript) await field(page, 'coverImageUrl').blur()
    await press(page, 'continue')
    await expectFieldError(page, 'coverImageUrl', /https/, 'ftp://cdn.example.com/x.jpg')
    // "Add a sponsor" is Conform's own button (no intent field of ours).
    const add = page.getByRole('button', { name: 'Add a sponsor' })
    if (javaScript) await add.click()
    else await submitWithoutJs(page, add)
    await eventually(() => field(page, 'sponsors[0].name').count()).toBe(1)
    await press(page, 'back')
    await onStage(page, 'paymentSetup')
    await press(page, 'goto:sponsorsMedia')
    await onStage(page, 'sponsorsMedia')
    await fillFields(page, { coverImageUrl: 'ftp://cdn.example.com/x.jpg' })
    await press(page, 'skip')
    await onStage(page, 'reviewPublish')
  })

  it('back from the review to the first stage, then continue and skip to the review again, nothing lost', async () => {
    const { page, api, sessionId, problems } = await organizerAt('reviewPublish')
    const filled = (await api.wizard.get.query({ sessionId })).data
    const order: StageId[] = ['organizerSetup', 'eventSetup', 'venueSetup', 'ticketSetup', 'paymentSetup', 'sponsorsMedia', 'reviewPublish']
    for (let index = order.length - 1; index > 0; index--) {
      await press(page, 'back')
      await onStage(page, order[index - 1]!)
    }
    for (const stage of order.slice(1, -1)) {
      await press(page, 'continue')
      await onStage(page, stage)
      if (javaScript) await waitForHydration(page)
    }
    await press(page, 'skip')
    await onStage(page, 'reviewPublish')
    const after = (await api.wizard.get.query({ sessionId })).data
    // The form's date-and-time fields hold minutes: a sales window the API gave in milliseconds comes back at its minute.
    const toMinutes = (data: unknown) => JSON.parse(JSON.stringify(data ?? null).replace(/(T\d\d:\d\d):\d\d\.\d{3}Z/g, '$1:00.000Z')) as unknown
    for (const stage of order.slice(0, 5)) expect({ stage, data: toMinutes(after[stage]) }).toEqual({ stage, data: toMinutes(filled[stage]) })
    expect(problems).toEqual([])
  })

  it('sponsors: a bare domain is completed to https://', async () => {
    const { page, api, sessionId } = await organizerAt('sponsorsMedia')
    await fillFields(page, { coverImageUrl: 'cdn.example.com/x.jpg' })
    await press(page, 'continue')
    await onStage(page, 'reviewPublish')
    const state = await api.wizard.get.query({ sessionId })
    expect(state.data.sponsorsMedia).toMatchObject({ coverImageUrl: 'https://cdn.example.com/x.jpg' })
  })

  it('event: one refused submit shows all four mistakes at once; a city finds its time zone', async () => {
    const { page, api, sessionId } = await organizerAt('eventSetup')
    // Two days ago: without a valid zone a start counts as past only once it is past in every zone.
    const yesterday = dayAfter(new Date(), -2)
    await fillFields(page, { title: 'AB', timezone: 'Mars/Olympus', date: yesterday, startTime: '19:00', endDate: yesterday, endTime: '18:00' })
    await press(page, 'continue')
    await expectFieldError(page, 'title', /at least 3/i, 'AB')
    await expectFieldError(page, 'timezone', /time zone/i, 'Mars/Olympus')
    await expectFieldError(page, 'date', /future/i, yesterday)
    await expectFieldError(page, 'endTime', /end after it starts/i, '18:00')
    expect(await page.url()).toMatch(/\/eventSetup$/)

    await fillFields(page, {
      title: values.eventSetup.title,
      type: values.eventSetup.type,
      timezone: 'New York',
      date: values.eventSetup.date,
      endDate: '',
      endTime: '21:00',
    })
    await press(page, 'continue')
    await onStage(page, 'venueSetup')
    expect((await api.wizard.get.query({ sessionId })).data.eventSetup).toMatchObject({ timezone: 'America/New_York' })
  })

  it('tickets: an unreadable price and a duplicate name are both reported by one submit', async () => {
    const { page } = await organizerAt('ticketSetup')
    // A new ticket form starts with one free tier; the second is added.
    expect(await field(page, 'tiers[0].name').inputValue()).toBe('General admission')
    const add = page.getByRole('button', { name: 'Add a tier' })
    if (javaScript) await add.click()
    else await submitWithoutJs(page, add)
    await eventually(() => field(page, 'tiers[1].name').count()).toBe(1)
    await fillFields(page, tierFields(0, { name: 'VIP', price: '€12', quantity: '10' }))
    await fillFields(page, tierFields(1, { name: 'vip', price: '0', quantity: '5' }))
    await press(page, 'continue')
    await expectFieldError(page, 'tiers[0].price', /amount such as 25/, '€12')
    await expectFieldError(page, 'tiers[1].name', /already called "vip"/i, 'vip')
    expect(page.url()).toMatch(/\/ticketSetup$/)
  })

  it('tickets: the currency is chosen once for the event and every tier is sold in it', async () => {
    const { page, api, sessionId } = await organizerAt('ticketSetup')
    const add = page.getByRole('button', { name: 'Add a tier' })
    if (javaScript) await add.click()
    else await submitWithoutJs(page, add)
    await eventually(() => field(page, 'tiers[1].name').count()).toBe(1)
    expect(await page.locator('select[name$=".currency"]').count()).toBe(0)
    await fillFields(page, {
      currency: 'JPY',
      ...tierFields(0, { name: 'Standing', price: '0', quantity: '100' }),
      ...tierFields(1, { name: 'Seated', price: '0', quantity: '20' }),
    })
    await press(page, 'continue')
    await onStage(page, 'paymentSetup')
    const { data } = await api.wizard.get.query({ sessionId })
    const { tiers } = data.ticketSetup as { tiers: { name: string; currency: string }[] }
    expect(tiers.map((tier) => [tier.name, tier.currency])).toEqual([
      ['Standing', 'JPY'],
      ['Seated', 'JPY'],
    ])
  })

  it('tickets: a price without payments on this server is flagged at once; payment offers only the way back', async () => {
    const { page } = await organizerAt('ticketSetup')
    expect(await page.locator('[data-payments-off]').count()).toBe(0)
    await fillFields(page, tierFields(0, { price: '25', quantity: '100' }))
    if (!javaScript) await press(page, 'save')
    await eventually(() => page.locator('[data-payments-off]').count()).toBe(1)
    expect(await page.locator('[data-payments-off]').textContent()).toMatch(/only free tickets can be published here/)
    await press(page, 'continue')
    await onStage(page, 'paymentSetup')
    await page.locator('[data-payment-status="not_connected"]').waitFor()
    expect(await intentButton(page, 'continue').count()).toBe(0)
    expect(await intentButton(page, 'payouts').count()).toBe(0)
    await press(page, 'back')
    await onStage(page, 'ticketSetup')
  })

  it('review: the refusal to publish stands beside the checkbox, which gets the focus', async () => {
    const { page } = await organizerAt('reviewPublish')
    await press(page, 'publish')
    await expectFieldError(page, 'confirm', 'Tick the box to confirm that the event may go public.', 'yes')
    await eventually(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('confirm')
  })

  it('publish: the payoff shows the public link to share, and browser back returns to it', async () => {
    const { page } = await organizerAt('reviewPublish')
    await page.locator('input[name="confirm"]').check()
    await press(page, 'publish')
    await page.waitForURL(/\/e\/[a-z0-9-]+\?published=1$/)
    const banner = page.locator('[data-published]')
    await banner.waitFor()
    const publicUrl = page
      .url()
      .replace('?published=1', '')
      .replace(/^http:\/\/127\.0\.0\.1:\d+/, '')
    expect(await banner.locator('input#public-link').inputValue()).toMatch(new RegExp(`${publicUrl}$`))
    // Copying needs JavaScript; without it the link is a field to select.
    expect(await banner.getByRole('button', { name: 'Copy link' }).count()).toBe(javaScript ? 1 : 0)
    await page.goBack()
    await page.waitForURL(/\/e\/[a-z0-9-]+\?published=1$/)
    await page.locator('[data-published]').waitFor()
    // Visitors never see the organizer's payoff, even with the same address.
    const visitor = await (await newContext(browser, app.server, { javaScriptEnabled: javaScript, viewport })).newPage()
    await visitor.goto(page.url())
    expect(await visitor.locator('[data-published]').count()).toBe(0)
    await visitor.context().close()
  })

  it('progress: an untouched wizard is at 0%, on its page and on the dashboard alike', async () => {
    const { page } = await organizerAt('organizerSetup')
    expect(await page.locator('.progress__label').textContent()).toBe('0% complete')
    await page.goto(`${app.server.url}/`)
    expect(await page.locator('.dashboard__percent').first().textContent()).toBe('0% complete')
  })
})

describe('autosave when leaving the page (JavaScript on)', { timeout: TEST_TIMEOUT }, () => {
  const { browser, app } = useBrowserApp()
  let context: BrowserContext

  beforeAll(async () => {
    context = await newContext(browser, app.server)
  })
  afterAll(async () => {
    await context?.close().catch(() => {})
  })

  it('keeps a title typed just before following the header link', async () => {
    const account = await signUp(app.server, 'organizer')
    const page = await context.newPage()
    await signInInBrowser(page, app.server, account.email)
    const { sessionId } = await account.api.wizard.create.mutate({ fresh: true })
    await fillThroughApi(account.api, sessionId, 'eventSetup')
    // The inline checks arrive only after the organizer has left, as on a slow phone: leaving the title
    // field is then judged by nobody in the browser, and must neither go to the server as a submit nor
    // drop the change still waiting for the autosave.
    let releaseChecks = () => {}
    const checksHeld = new Promise<void>((resolve) => (releaseChecks = resolve))
    await page.route('**/assets/stage-validation-*.js', async (route) => {
      await checksHeld
      await route.continue()
    })
    const stageSubmits: string[] = []
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().includes('/eventSetup.data')) stageSubmits.push(request.url())
    })
    await page.goto(stageUrl(app.server, sessionId, 'eventSetup'))
    await waitForHydration(page)
    await field(page, 'title').fill('Typed before leaving')
    // Well within the autosave's 0.7 s pause.
    await page.locator('header a.brand').click()
    await page.waitForURL(`${app.server.url}/`)
    releaseChecks()
    expect(stageSubmits).toEqual([])
    await eventually(async () => (await account.api.wizard.get.query({ sessionId })).data.eventSetup).toMatchObject({ title: 'Typed before leaving' })
    // The dashboard may have loaded before the save landed; the next visit shows the draft by its title.
    await page.reload()
    await page.getByRole('link', { name: 'Resume Typed before leaving' }).click()
    await page.waitForURL(/\/eventSetup$/)
    await waitForHydration(page)
    expect(await field(page, 'title').inputValue()).toBe('Typed before leaving')
  })
})
