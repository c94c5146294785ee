import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ModelCall, type ModelTurn, scriptedModel } from '../support/scripted-model'
import { dayAfter, validStageData } from '../support/wizard-fixtures'
import {
  collectPageProblems,
  currentStageOf,
  DESKTOP,
  type E2eApp,
  eventsOfSession,
  eventually,
  field,
  fillThroughApi,
  launchBrowser,
  newContext,
  PHONE,
  screenshot,
  signInInBrowser,
  signUp,
  stageUrl,
  startApp,
  TEST_TIMEOUT,
  valuesOf,
  waitForHydration,
  widthsOf,
} from './support'

const data = validStageData(new Date())
const launch = { ...data.eventSetup, title: 'Winter Atelier Launch', date: dayAfter(new Date(), 45) }
const DESCRIPTION =
  'Describe: I am Ada Martin from Atelier Martin (ada@atelier-martin.example). Our Autumn Collection Show is a fashion show in Paris, 19:00 to 23:00.'
/** What the scripted model suggests when asked for ideas: a first and another idea for the event, tiers. */
const ideas = {
  first: { title: 'Velvet Hours', description: 'An evening of new silhouettes under the glass roof.' },
  another: { title: 'Midnight Atelier', description: 'The collection shown at night, one look at a time.' },
  tiers: {
    tiers: [
      { name: 'Front row', price: 4500, currency: 'EUR', quantity: 50 },
      { name: 'Standing', price: 1500, currency: 'EUR', quantity: 200 },
    ],
  },
}

/**
 * The scripted model: it fills whatever stage the run offers from the organizer's words, continues when
 * it was given a whole description, asks when it has nothing for the stage, offers the publish card
 * when asked to publish and a suggestion card when asked for ideas. After tool answers it says which
 * tools ran, or what the organizer chose on a card.
 */
function script(call: ModelCall): ModelTurn {
  if (call.toolResults.length > 0) {
    const published = call.toolResults.find((result) => result.toolName === 'confirmPublish')
    if (published) return { text: `Publishing answer: ${JSON.stringify(published.output)}` }
    const suggested = call.toolResults.find((result) => result.toolName.startsWith('suggest'))
    if (suggested) return { text: `Suggestion answer: ${JSON.stringify(suggested.output)}` }
    return { text: `Saved with ${call.toolResults.map((result) => result.toolName).join(', ')}.` }
  }
  if (/idea/i.test(call.userText)) {
    if (call.tools.includes('suggestEventDetails')) {
      return { toolCalls: [{ toolName: 'suggestEventDetails', input: /another/i.test(call.userText) ? ideas.another : ideas.first }] }
    }
    if (call.tools.includes('suggestTicketTiers')) return { toolCalls: [{ toolName: 'suggestTicketTiers', input: ideas.tiers }] }
  }
  if (/^hello/i.test(call.userText)) return { text: 'Hello! What is your event called?' }
  const describing = call.userText.startsWith('Describe:') || call.userText.startsWith('Continue with this stage')
  if (/publish/i.test(call.userText) && call.tools.includes('confirmPublish')) return { toolCalls: [{ toolName: 'confirmPublish', input: {} }] }
  const proceed = describing ? [{ toolName: 'continueToNextStage', input: {} }] : []
  if (call.tools.includes('saveOrganizerDetails')) return { toolCalls: [{ toolName: 'saveOrganizerDetails', input: data.organizerSetup }, ...proceed] }
  if (call.tools.includes('saveEventDetails')) {
    return { toolCalls: [{ toolName: 'saveEventDetails', input: describing ? data.eventSetup : launch }, ...proceed] }
  }
  return { text: 'Where does the event take place? Give me the venue name, address, city and country.' }
}

const sidebar = (page: Page) => page.locator('.copilotKitWindow.open')
const chatInput = (page: Page) => page.locator('.copilotKitInput textarea')
const lastReply = async (page: Page) =>
  (await page
    .locator('.copilotKitAssistantMessage')
    .last()
    .textContent()
    .catch(() => '')) ?? ''

async function openAssistant(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Assistant' }).click()
  await sidebar(page).waitFor()
}

async function send(page: Page, text: string): Promise<void> {
  await chatInput(page).fill(text)
  await chatInput(page).press('Enter')
}

describe('the copilot in the browser', { timeout: TEST_TIMEOUT }, () => {
  const scripted = scriptedModel(script)
  let browser: Browser
  let app: E2eApp
  const contexts: BrowserContext[] = []

  beforeAll(async () => {
    browser = await launchBrowser()
    app = await startApp({ copilotModel: scripted.model })
  })
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {})
    await browser?.close()
    await app?.close()
  })

  /** A signed-in organizer in their own browser context, with a wizard at `stage`. */
  async function organizerAt(stage: Parameters<typeof fillThroughApi>[2], viewport = DESKTOP) {
    const account = await signUp(app.server, 'organizer')
    const { sessionId } = await account.api.wizard.create.mutate({})
    if (stage !== 'organizerSetup') await fillThroughApi(account.api, sessionId, stage)
    const context = await newContext(browser, app.server, { viewport })
    contexts.push(context)
    const page = await context.newPage()
    const problems = collectPageProblems(page)
    await signInInBrowser(page, app.server, account.email)
    await page.goto(stageUrl(app.server, sessionId, stage))
    await waitForHydration(page)
    // Set on this document only: still there afterwards means the page was never reloaded.
    await page.evaluate(() => Object.assign(window, { sameDocument: true }))
    return { page, api: account.api, sessionId, problems }
  }

  const sameDocument = (page: Page) => page.evaluate(() => (window as { sameDocument?: boolean }).sameDocument === true)

  it('fills the form from a chat message without a reload', async () => {
    const { page, api, sessionId, problems } = await organizerAt('eventSetup')
    await expect(field(page, 'title').inputValue()).resolves.toBe('')
    await openAssistant(page)
    await send(page, 'Call it Winter Atelier Launch, six weeks from now')
    await eventually(() => field(page, 'title').inputValue()).toBe(launch.title)
    await expect(field(page, 'date').inputValue()).resolves.toBe(launch.date)
    await eventually(() => lastReply(page)).toContain('Saved with saveEventDetails')
    expect(await sameDocument(page)).toBe(true)
    expect((await api.wizard.get.query({ sessionId })).data.eventSetup).toMatchObject({ title: launch.title })
    await screenshot(page, 'copilot-desktop-filled')
    expect(problems).toEqual([])
  })

  it('fills the form even when the organizer writes before the assistant has reached the server', async () => {
    const { page, api, sessionId, problems } = await organizerAt('eventSetup')
    // A slow server: the runtime's first answer (`info`) comes late, so the message is sent while
    // CopilotKit still holds a provisional agent, as happened on a busy 2-core machine.
    let delayed = 0
    await page.route('**/api/copilotkit', async (route) => {
      if (delayed === 0 && /"method":"info"/.test(route.request().postData() ?? '')) {
        delayed += 1
        await new Promise((resolve) => setTimeout(resolve, 1500))
      }
      await route.continue()
    })
    await page.getByRole('button', { name: 'Assistant' }).click()
    await send(page, 'Call it Winter Atelier Launch, six weeks from now')
    await eventually(async () => ((await api.wizard.get.query({ sessionId })).data.eventSetup as { title?: string } | undefined)?.title).toBe(launch.title)
    await eventually(() => field(page, 'title').inputValue()).toBe(launch.title)
    expect(delayed).toBe(1)
    expect((await api.wizard.get.query({ sessionId })).data.eventSetup).toMatchObject({ title: launch.title })
    expect(await sameDocument(page)).toBe(true)
    expect(problems).toEqual([])
  })

  it('turns a pasted description into stage after stage, and asks for what it lacks', async () => {
    const { page, api, sessionId, problems } = await organizerAt('organizerSetup')
    await openAssistant(page)
    await send(page, DESCRIPTION)
    await eventually(() => currentStageOf(page)).toBe('venueSetup')
    await eventually(() => lastReply(page)).toContain('Where does the event take place?')
    const state = await api.wizard.get.query({ sessionId })
    expect(state).toMatchObject({ currentStage: 'venueSetup', completedStages: ['organizerSetup', 'eventSetup'] })
    expect(state.data.organizerSetup).toEqual(data.organizerSetup)
    expect(state.data.eventSetup).toEqual(data.eventSetup)
    await expect(field(page, 'mode').count()).resolves.toBeGreaterThan(0)
    expect(await sameDocument(page)).toBe(true)
    expect(problems).toEqual([])
  })

  it('publishes only when the organizer clicks the confirmation card', async () => {
    const { page, sessionId, problems } = await organizerAt('reviewPublish')
    await openAssistant(page)
    await send(page, 'Please publish it')
    const card = page.getByRole('group', { name: 'Publish the event' })
    await card.waitFor()
    // The card waits: nothing is published until the click.
    await page.waitForTimeout(500)
    expect(await eventsOfSession(app.database, sessionId)).toEqual([])
    await card.getByRole('button', { name: 'Publish now' }).click()
    await page.waitForURL(/\/e\/autumn-collection-show[^/]*\?published=1$/)
    await eventually(async () => (await eventsOfSession(app.database, sessionId)).length).toBe(1)
    expect(problems).toEqual([])
  })

  it('keeps the event unpublished when the organizer says not yet', async () => {
    const { page, sessionId } = await organizerAt('reviewPublish')
    await openAssistant(page)
    await send(page, 'Publish it')
    const card = page.getByRole('group', { name: 'Publish the event' })
    await card.getByRole('button', { name: 'Not yet' }).click()
    await eventually(() => lastReply(page)).toContain('Publishing answer')
    expect(await eventsOfSession(app.database, sessionId)).toEqual([])
  })

  it('takes the whole screen on a phone, and tells the model it is a phone', async () => {
    const { page } = await organizerAt('eventSetup', PHONE)
    await openAssistant(page)
    const box = await sidebar(page).boundingBox()
    expect(box).toMatchObject({ x: 0, y: 0, width: PHONE.width })
    expect(Math.round(box!.height)).toBe(PHONE.height)
    const widths = await widthsOf(page)
    expect(widths.scrollWidth).toBeLessThanOrEqual(widths.innerWidth)
    await screenshot(page, 'copilot-phone-open')

    await send(page, 'Hello from my phone')
    await eventually(() => lastReply(page)).toContain('What is your event called?')
    const call = scripted.calls.find((made) => made.userText === 'Hello from my phone')
    expect(call?.system).toContain('Device:\n"phone: keep answers to one or two short sentences, and no tables"')
  })

  it('shows a suggestion as a card: Dismiss saves nothing, Use this saves it and the form shows it', async () => {
    const { page, api, sessionId, problems } = await organizerAt('eventSetup')
    // The event form fills in the browser's time zone and autosaves it: the wizard as it is once that is saved.
    await eventually(async () => ((await api.wizard.get.query({ sessionId })).data.eventSetup as { timezone?: string } | undefined)?.timezone).toBe(
      'Europe/Paris',
    )
    const before = await api.wizard.get.query({ sessionId })
    await openAssistant(page)
    await send(page, 'Any idea for a title?')
    const cards = page.getByRole('group', { name: 'Suggested by the assistant' })
    const first = cards.first()
    await first.getByText(ideas.first.title).waitFor()
    await expect(first.textContent()).resolves.toContain(ideas.first.description)
    await expect(first.textContent()).resolves.toContain('Nothing is saved until you click “Use this”.')
    // Shown, not saved.
    expect(await api.wizard.get.query({ sessionId })).toEqual(before)

    await first.getByRole('button', { name: 'Dismiss' }).click()
    await eventually(() => lastReply(page)).toContain('Suggestion answer: {"used":false}')
    await expect(first.getByRole('status').textContent()).resolves.toBe('Dismissed: nothing was saved.')
    expect(await api.wizard.get.query({ sessionId })).toEqual(before)
    await expect(field(page, 'title').inputValue()).resolves.toBe('')

    await send(page, 'Another idea?')
    const another = cards.nth(1)
    await another.getByText(ideas.another.title).waitFor()
    await screenshot(page, 'copilot-suggestion')
    await another.getByRole('button', { name: 'Use this' }).click()
    await eventually(() => field(page, 'title').inputValue()).toBe(ideas.another.title)
    await expect(field(page, 'description').inputValue()).resolves.toBe(ideas.another.description)
    await eventually(() => lastReply(page)).toContain('Suggestion answer: {"ok":true,"used":true,"saved":"eventSetup"')
    await expect(another.getByRole('status').textContent()).resolves.toBe('Used: saved to the form.')
    const after = await api.wizard.get.query({ sessionId })
    expect(after.data.eventSetup).toEqual({ timezone: 'Europe/Paris', ...ideas.another })
    expect(after.version).toBe(before.version + 1)
    expect(await sameDocument(page)).toBe(true)
    expect(problems).toEqual([])
  })

  it('suggests ticket tiers as a card, and Use this puts them in the ticket form', async () => {
    const { page, api, sessionId, problems } = await organizerAt('ticketSetup')
    await openAssistant(page)
    await send(page, 'Any ideas for the tiers?')
    const card = page.getByRole('group', { name: 'Suggested by the assistant' })
    await card.getByText('Front row').waitFor()
    await expect(card.textContent()).resolves.toMatch(/Front row · €45\.00 · 50 tickets.*Standing · €15\.00 · 200 tickets/)
    expect((await api.wizard.get.query({ sessionId })).data.ticketSetup).toBeUndefined()

    await card.getByRole('button', { name: 'Use this' }).click()
    await eventually(() => field(page, 'tiers[0].name').inputValue()).toBe('Front row')
    await expect(valuesOf(page, ['currency', 'tiers[0].price', 'tiers[0].quantity', 'tiers[1].name', 'tiers[1].price', 'tiers[1].quantity'])).resolves.toEqual({
      currency: 'EUR',
      'tiers[0].price': '45.00',
      'tiers[0].quantity': '50',
      'tiers[1].name': 'Standing',
      'tiers[1].price': '15.00',
      'tiers[1].quantity': '200',
    })
    expect((await api.wizard.get.query({ sessionId })).data.ticketSetup).toEqual(ideas.tiers)
    expect(await sameDocument(page)).toBe(true)
    expect(problems).toEqual([])
  })
})

describe('the copilot without a model', { timeout: TEST_TIMEOUT }, () => {
  let browser: Browser
  let app: E2eApp
  beforeAll(async () => {
    browser = await launchBrowser()
    app = await startApp({ copilotModel: null })
  })
  afterAll(async () => {
    await browser?.close()
    await app?.close()
  })

  it('says in the sidebar that it is not available, without configuration details, and the form stays as it was', async () => {
    const account = await signUp(app.server, 'organizer')
    const { sessionId } = await account.api.wizard.create.mutate({})
    const context = await newContext(browser, app.server)
    const page = await context.newPage()
    const problems = collectPageProblems(page)
    await signInInBrowser(page, app.server, account.email)
    await page.goto(stageUrl(app.server, sessionId, 'organizerSetup'))
    await waitForHydration(page)
    await page.getByRole('button', { name: 'Assistant' }).click()
    const panel = page.getByRole('complementary', { name: 'Wizard assistant' })
    await expect(panel.textContent()).resolves.toMatch(/isn’t available on this server/)
    // Variable names are for the README and the server's log, not for organizers.
    await expect(panel.textContent()).resolves.not.toMatch(/COPILOT_/)
    await expect(field(page, 'name').isEditable()).resolves.toBe(true)
    await screenshot(page, 'copilot-not-configured')
    expect(problems).toEqual([])
    await context.close()
  })
})
