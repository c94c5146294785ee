/**
 * Shared pieces of the browser tests: Debian's Chromium driven by playwright-core (never a downloaded
 * browser), the real app on a fresh PGlite database, accounts, the stage forms' fields and buttons, and
 * the values an organizer types, valid relative to the real clock.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { eq } from 'drizzle-orm'
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core'
import { afterAll, beforeAll, expect } from 'vitest'
import { asServiceRole } from '../../db/rls'
import * as schema from '../../db/schema'
import type { CopilotModel } from '../../server/copilot/model'
import type { StageId } from '../../server/wizard/stages'
import { openTestDatabase, randomSuffix, type TestDatabase } from '../support/databases'
import { testEnv } from '../support/env'
import { PASSWORD } from '../support/organizers'
import { startTestServer, type TestServer } from '../support/server'
import { envOf, type SuiteEnv, started } from '../support/started'
import { validStageData } from '../support/wizard-fixtures'

export const CHROMIUM = '/usr/bin/chromium'
export const SCREENS_DIR = fileURLToPath(new URL('../../test-results/screens/', import.meta.url))

/**
 * Chromium, headless. A missing browser is a failure everywhere (under CI=true, and locally, where it
 * is installed): a browser test that silently does not run proves nothing.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `No Chromium at ${CHROMIUM}${testEnv.ci ? ' (CI=true: the browser tests must run)' : ''}. ` +
        'Install Debian\'s "chromium" package; these tests never download browsers.',
    )
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

export interface E2eApp {
  database: TestDatabase
  server: TestServer
  close(): Promise<void>
}

export interface AppOptions {
  copilotModel?: CopilotModel | null
  env?: Record<string, string>
}

/**
 * The real Express app and production build on a fresh PGlite database. Limits are raised so that a
 * test's own clicks and autosaves never meet the per-user mutation limit.
 */
export async function startApp(options: AppOptions = {}): Promise<E2eApp> {
  const database = await openTestDatabase('pglite')
  const server = await startTestServer(
    database,
    { RATE_LIMIT_MUTATIONS_PER_USER: '1000', RATE_LIMIT_AUTH_PER_IP: '200', ...options.env },
    { copilotModel: options.copilotModel ?? null },
  )
  let closed = false
  return {
    database,
    server,
    async close() {
      if (closed) return
      closed = true
      await server.close().catch(() => {})
      await database.close()
    },
  }
}

/**
 * The usual setup of a browser suite: Chromium and the app (`startApp`), opened in `beforeAll` and
 * closed in `afterAll`. Call it in the suite's body; read what it returns in tests and in hooks
 * registered after it (the `beforeAll` hooks run in order, the `afterAll` hooks in reverse, so a
 * suite's own contexts close before the browser), never in the suite's body itself:
 *
 *     const { browser, app } = useBrowserApp()
 *
 * `browser` and `app` stand for the ones started: each property is read from them when used. An `env`
 * that depends on something another hook starts first (a fake Stripe's URL) can be a function, called
 * in `beforeAll`.
 */
export function useBrowserApp(options: Omit<AppOptions, 'env'> & { env?: SuiteEnv } = {}): {
  browser: Browser
  app: E2eApp
} {
  const { env, ...appOptions } = options
  let browser: Browser | undefined
  let app: E2eApp | undefined
  beforeAll(async () => {
    browser = await launchBrowser()
    app = await startApp({ ...appOptions, env: envOf(env) })
  })
  afterAll(async () => {
    await browser?.close()
    await app?.close()
  })

  const theBrowser = () => started(browser, 'useBrowserApp: the browser')
  const theApp = () => started(app, 'useBrowserApp: the app')
  return {
    // Playwright's Browser has too many members to list: each is read from the started one, methods bound to it.
    browser: new Proxy({} as Browser, {
      get(_, key) {
        const target = theBrowser()
        const value: unknown = Reflect.get(target, key, target)
        return typeof value === 'function' ? value.bind(target) : value
      },
    }),
    app: {
      get database() {
        return theApp().database
      },
      get server() {
        return theApp().server
      },
      close: () => theApp().close(),
    },
  }
}

/** A tiny image for every https image the pages link to (the test machine has no internet). */
const PLACEHOLDER_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="900" viewBox="0 0 1600 900">' +
  '<defs><linearGradient id="g" x1="0" x2="1" y1="0" y2="1"><stop offset="0" stop-color="#6d4c8f"/>' +
  '<stop offset="1" stop-color="#d9a441"/></linearGradient></defs><rect width="1600" height="900" fill="url(#g)"/></svg>'

/**
 * A browser context that talks to the app only (and the local stand-ins in `alsoAllowed`, such as the
 * Stripe Checkout page): https images (cover, logos) get a placeholder, any other request off those
 * origins is refused, so nothing leaves the machine.
 */
export async function newContext(
  browser: Browser,
  server: TestServer,
  { alsoAllowed = [], ...options }: Parameters<Browser['newContext']>[0] & { alsoAllowed?: string[] } = {},
): Promise<BrowserContext> {
  const allowed = new Set([new URL(server.url).origin, ...alsoAllowed.map((url) => new URL(url).origin)])
  const context = await browser.newContext({ locale: 'en-US', timezoneId: 'Europe/Paris', ...options })
  // Generous: these tests share a small machine with builds and other suites.
  context.setDefaultTimeout(20_000)
  context.setDefaultNavigationTimeout(30_000)
  await context.route(
    (url) => !allowed.has(url.origin),
    (route) =>
      route.request().resourceType() === 'image'
        ? route.fulfill({ status: 200, contentType: 'image/svg+xml', body: PLACEHOLDER_SVG })
        : route.abort('blockedbyclient'),
  )
  return context
}

/** Problems the page reports while it runs (JavaScript on): uncaught errors and console errors. */
export function collectPageProblems(page: Page): string[] {
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`)
  })
  return problems
}

// ---------------------------------------------------------------------------------------------------
// Accounts
// ---------------------------------------------------------------------------------------------------

export const newEmail = (label: string) => `${label}-${randomSuffix()}@example.test`

/**
 * Clicks and waits for the page the click leads to (`url`): a client-side navigation with JavaScript,
 * a document load without.
 */
export async function follow(page: Page, javaScript: boolean, click: () => Promise<void>, url: RegExp): Promise<void> {
  if (javaScript) await Promise.all([page.waitForURL(url), click()])
  else await Promise.all([page.waitForEvent('load'), click()])
  expect(page.url()).toMatch(url)
}

/** Waits for the document a click (or a submit) loads: the one way to wait without page JavaScript. */
export async function clickAndLoad(page: Page, target: Locator): Promise<void> {
  await Promise.all([page.waitForEvent('load'), target.click()])
}

/** Signs up through the sign-up page and lands on the dashboard. */
export async function signUpInBrowser(page: Page, server: TestServer, email = newEmail('organizer')): Promise<string> {
  await page.goto(`${server.url}/sign-up`)
  await page.locator('input[name="email"]').fill(email)
  await page.locator('input[name="password"]').fill(PASSWORD)
  await page.getByRole('button', { name: 'Create account' }).click()
  await page.waitForURL(`${server.url}/`)
  // A new account is greeted as new.
  await page.getByRole('heading', { level: 1, name: 'Welcome', exact: true }).waitFor()
  return email
}

/** Signs in through the sign-in page and lands on the dashboard. */
export async function signInInBrowser(page: Page, server: TestServer, email: string): Promise<void> {
  await page.goto(`${server.url}/sign-in`)
  await page.locator('input[name="email"]').fill(email)
  await page.locator('input[name="password"]').fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(`${server.url}/`)
  await page.getByRole('heading', { level: 1, name: /^Welcome/ }).waitFor()
}

/** "Create event" on the dashboard; returns the new wizard's id once its first stage shows. */
export async function createEventFromDashboard(page: Page, server: TestServer): Promise<string> {
  await page.goto(`${server.url}/`)
  await page.getByRole('button', { name: 'Create event' }).click()
  await page.waitForURL(/\/wizard\/[0-9a-f-]{36}\/organizerSetup$/)
  return sessionIdOf(page)
}

export function sessionIdOf(page: Page): string {
  const match = /\/wizard\/([0-9a-f-]{36})\//.exec(page.url())
  if (!match?.[1]) throw new Error(`not on a wizard page: ${page.url()}`)
  return match[1]
}

export const stageUrl = (server: TestServer, sessionId: string, stage: StageId) => `${server.url}/wizard/${sessionId}/${stage}`

// ---------------------------------------------------------------------------------------------------
// The stage forms
// ---------------------------------------------------------------------------------------------------

/** A stage form's control by its field name (`venue.city`, `tiers[1].price`). */
export const field = (page: Page, name: string) => page.locator(`form.wizard__form [name="${name}"]`)

/** The messages shown beside a field: the error list inside the field's own frame. */
export const errorsBeside = (page: Page, name: string) => page.locator('.field', { has: page.locator(`[name="${name}"]`) }).locator('ul.errors')

/** The form-level messages (above the fields). */
export const formErrors = (page: Page) => page.locator('form.wizard__form > ul.errors')

/** A submit button of the stage form by its intent (`save`, `continue`, `back`, `goto:…`, `skip`, `publish`). */
export const intentButton = (page: Page, intent: string) => page.locator(`button[name="intent"][value="${intent}"]`)

/** The stage the page shows, from the stepper. */
export const currentStageOf = (page: Page) => page.locator('li[data-status="current"]').getAttribute('data-stage')

/**
 * Asserts a field refused on the server: its message beside it, the control marked invalid and pointing
 * at the message, and what was typed still there.
 */
export async function expectFieldError(page: Page, name: string, message: string | RegExp, kept: string): Promise<void> {
  const errors = errorsBeside(page, name)
  await expect.poll(() => errors.count(), { message: `an error beside ${name}`, timeout: 20_000 }).toBe(1)
  const text = (await errors.textContent()) ?? ''
  if (typeof message === 'string') expect(text).toContain(message)
  else expect(text).toMatch(message)
  const control = field(page, name)
  expect(await control.getAttribute('aria-invalid')).toBe('true')
  const errorId = await errors.getAttribute('id')
  expect((await control.getAttribute('aria-describedby')) ?? '').toContain(errorId)
  expect(await control.inputValue()).toBe(kept)
}

/** What an organizer types, in the forms' own terms (text; prices in the currency's main unit). */
export function formValues(now: Date) {
  const data = validStageData(now)
  const { organizerSetup: organizer, eventSetup: event, venueSetup: venue, sponsorsMedia: media } = data
  const sponsor = media.sponsors![0]!
  return {
    organizerSetup: {
      name: organizer.name,
      organization: organizer.organization,
      email: organizer.email,
      phone: organizer.phone!,
    },
    eventSetup: {
      title: event.title,
      type: event.type,
      description: event.description!,
      date: event.date,
      startTime: event.startTime,
      endTime: event.endTime!,
      timezone: event.timezone,
    },
    venueSetup: {
      mode: venue.mode,
      'venue.name': venue.venue!.name,
      'venue.address': venue.venue!.address,
      'venue.city': venue.venue!.city,
      'venue.postalCode': venue.venue!.postalCode!,
      'venue.country': venue.venue!.country,
      'venue.capacity': String(venue.venue!.capacity),
      'online.url': venue.online!.url,
      'online.platform': venue.online!.platform!,
    },
    tiers: [
      { name: 'General admission', price: '0', quantity: '200', maxPerOrder: '4' },
      { name: 'Press', price: '0', quantity: '50', maxPerOrder: '2' },
    ],
    totalCapacity: String(data.ticketSetup.totalCapacity),
    sponsorsMedia: {
      coverImageUrl: media.coverImageUrl!,
      'sponsors[0].name': sponsor.name,
      'sponsors[0].url': sponsor.url!,
      'sponsors[0].logoUrl': sponsor.logoUrl!,
      'sponsors[0].level': sponsor.level!,
    },
  }
}

/** Fills controls by name: selects are chosen, everything else typed; a folded "More options" is opened first, as a person would. */
export async function fillFields(page: Page, values: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(values)) {
    const control = field(page, name)
    const folded = control.locator('xpath=ancestor::details[not(@open)][1]')
    if ((await folded.count()) > 0) await folded.locator('summary').first().click()
    const tag = await control.evaluate((element) => element.tagName)
    if (tag === 'SELECT') await control.selectOption(value)
    else await control.fill(value)
  }
}

/** Reads controls by name, to check what a form shows. */
export async function valuesOf(page: Page, names: string[]): Promise<Record<string, string>> {
  const values: Record<string, string> = {}
  for (const name of names) values[name] = await field(page, name).inputValue()
  return values
}

/** The tier's fields, by tier index. */
export const tierFields = (index: number, tier: Record<string, string>) =>
  Object.fromEntries(Object.entries(tier).map(([key, value]) => [`tiers[${index}].${key}`, value]))

export { type Api, fillThroughApi, PASSWORD, signUp } from '../support/organizers'

/** Events of a wizard session, read past RLS (the test's own view of the database). */
export function eventsOfSession(database: TestDatabase, sessionId: string) {
  return asServiceRole(database.db, (tx) => tx.select().from(schema.events).where(eq(schema.events.sessionId, sessionId)))
}

// ---------------------------------------------------------------------------------------------------
// Layout
// ---------------------------------------------------------------------------------------------------

/** Per test: a browser flow on a small, busy machine takes longer than vitest's 30 s default allows for. */
export const TEST_TIMEOUT = 90_000

export const PHONE = { width: 375, height: 812 }
export const DESKTOP = { width: 1280, height: 800 }

/** Every way an organizer comes: JavaScript off and on, on a phone and a desktop. */
export const BROWSER_MODES = [
  { name: 'on a phone without JavaScript', javaScript: false, viewport: PHONE },
  { name: 'on a phone with JavaScript', javaScript: true, viewport: PHONE },
  { name: 'on a desktop without JavaScript', javaScript: false, viewport: DESKTOP },
  { name: 'on a desktop with JavaScript', javaScript: true, viewport: DESKTOP },
] as const

/** Page widths: the document never wider than the window (no sideways scrolling). */
export function widthsOf(page: Page) {
  return page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    // The elements sticking out past the right edge, to say what overflows when something does.
    overflowing: [...document.querySelectorAll('body *')]
      .filter((element) => element.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
      .slice(0, 5)
      .map((element) => `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}.${[...element.classList].join('.')}`),
    // On a stage page: the form's controls that stick out of their field or the form's card (hidden by
    // no page scroll; a date-and-time input is wider than a phone's field unless told otherwise).
    controlsOutsideForm: [...document.querySelectorAll('form.wizard__form :is(input, select, textarea, button)')]
      .filter((control) => {
        const card = (control.closest('.field') ?? document.querySelector('form.wizard__form')!).getBoundingClientRect()
        const box = control.getBoundingClientRect()
        return box.width > 0 && (box.left < card.left - 0.5 || box.right > card.right + 0.5)
      })
      .map((control) => (control as HTMLInputElement).name || control.textContent?.trim() || control.tagName),
  }))
}

/** A full-page screenshot in test-results/screens/ (git-ignored). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENS_DIR, { recursive: true })
  const path = `${SCREENS_DIR}${name}.png`
  await page.screenshot({ path, fullPage: true })
  return path
}

/**
 * Without JavaScript: clicks a submit button and waits for the page the server answers with. Returns
 * the status of the form post itself (302 when it moved on, 4xx when the page came back with messages).
 */
export async function submitWithoutJs(page: Page, button: Locator): Promise<number> {
  const [response] = await Promise.all([
    page.waitForResponse((response) => response.request().method() === 'POST' && response.request().resourceType() === 'document'),
    page.waitForEvent('load'),
    button.click(),
  ])
  return response.status()
}

/** Resolves once React has hydrated the page's main content (JavaScript on): typing before that is lost. */
export async function waitForHydration(page: Page, selector = 'main'): Promise<void> {
  try {
    await page.waitForFunction(
      (query) => {
        const element = document.querySelector(query)
        return !!element && Object.keys(element).some((key) => key.startsWith('__reactProps'))
      },
      selector,
      { timeout: 20_000 },
    )
  } catch (error) {
    // Say why: a script that did not load (say, a build replaced under a running server) or one that threw.
    const failed = await page
      .evaluate(() =>
        performance
          .getEntriesByType('resource')
          .filter((entry) => ((entry as PerformanceResourceTiming).responseStatus ?? 200) >= 400)
          .map((entry) => `${(entry as PerformanceResourceTiming).responseStatus} ${entry.name}`),
      )
      .catch(() => [])
    throw new Error(`${page.url()} did not hydrate; failed resources: ${JSON.stringify(failed)}`, { cause: error })
  }
}

/** The autosave status line: its state (`data-status`) and its words. */
export async function saveStatusOf(page: Page): Promise<{ status: string | null; text: string }> {
  const status = page.locator('p.save-status')
  return { status: await status.getAttribute('data-status'), text: ((await status.textContent()) ?? '').trim() }
}

/** `expect.poll` with room for a debounce, a request and a render (vitest's default gives up after 1 s; the machine may be busy). */
export const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 20_000, interval: 100 })
