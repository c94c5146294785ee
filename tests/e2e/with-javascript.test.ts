import type { BrowserContext, Page, Request } from 'playwright-core'
import { afterAll, describe, expect, it } from 'vitest'
import {
  type Api,
  collectPageProblems,
  createEventFromDashboard,
  currentStageOf,
  type E2eApp,
  errorsBeside,
  eventsOfSession,
  eventually,
  field,
  fillFields,
  fillThroughApi,
  formValues,
  intentButton,
  newContext,
  saveStatusOf,
  signInInBrowser,
  signUp,
  stageUrl,
  startApp,
  TEST_TIMEOUT,
  useBrowserApp,
  waitForHydration,
} from './support'

/*
 * The wizard with JavaScript on: autosave tells the truth (saved means stored, a dead server means "not
 * saved"), the stepper cannot be used to skip ahead, and a double click on "Publish event" makes one event.
 */
describe('the wizard with JavaScript on', { timeout: TEST_TIMEOUT }, () => {
  const values = formValues(new Date())
  const { browser, app } = useBrowserApp()
  const contexts: BrowserContext[] = []

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {})
  })

  /** A fresh account, signed in in its own browser context; `problems` collects the page's errors. */
  async function organizer(target: E2eApp = app): Promise<{ page: Page; api: Api; problems: string[] }> {
    const account = await signUp(target.server, 'organizer')
    const context = await newContext(browser, target.server)
    contexts.push(context)
    const page = await context.newPage()
    const problems = collectPageProblems(page)
    await signInInBrowser(page, target.server, account.email)
    return { page, api: account.api, problems }
  }

  it('autosaves what is typed ("Saving…", then "Saved", with the live progress), and a reload shows it', async () => {
    const { page, api, problems } = await organizer()
    const sessionId = await createEventFromDashboard(page, app.server)
    await waitForHydration(page)
    const progressBefore = Number(await page.locator('#wizard-progress').getAttribute('value'))

    // Each autosave is held back a moment, so "Saving…" can be seen before "Saved".
    await page.route('**/autosave', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 400))
      await route.continue()
    })
    await field(page, 'name').pressSequentially(values.organizerSetup.name, { delay: 20 })
    await eventually(async () => (await saveStatusOf(page)).text).toBe('Saving…')
    await eventually(async () => saveStatusOf(page)).toEqual({ status: 'saved', text: 'Saved' })
    let state = await api.wizard.get.query({ sessionId })
    expect(state.data.organizerSetup).toMatchObject({ name: values.organizerSetup.name })

    await fillFields(page, { organization: values.organizerSetup.organization, email: values.organizerSetup.email })
    await eventually(async () => saveStatusOf(page)).toEqual({ status: 'saved', text: 'Saved' })
    await eventually(() => api.wizard.get.query({ sessionId }).then((current) => current.data.organizerSetup)).toMatchObject({
      organization: values.organizerSetup.organization,
      email: values.organizerSetup.email,
    })
    // The stage is now complete: the progress bar moves with the server's figure, without a reload.
    state = await api.wizard.get.query({ sessionId })
    expect(state.progress.percentage).toBeGreaterThan(progressBefore)
    await eventually(() => page.locator('#wizard-progress').getAttribute('value')).toBe(String(state.progress.percentage))

    await page.reload()
    await waitForHydration(page)
    expect(await field(page, 'name').inputValue()).toBe(values.organizerSetup.name)
    expect(await field(page, 'organization').inputValue()).toBe(values.organizerSetup.organization)
    expect(await field(page, 'email').inputValue()).toBe(values.organizerSetup.email)
    expect(await currentStageOf(page)).toBe('organizerSetup')
    expect(problems).toEqual([])
  })

  it('checks a field in the browser when it is left; the checks load on the first focus in the form', async () => {
    const { page, problems } = await organizer()
    const requested: string[] = []
    page.on('request', (request: Request) => requested.push(new URL(request.url()).pathname))
    await createEventFromDashboard(page, app.server)
    await waitForHydration(page)
    const checksLoaded = () => requested.some((path) => /\/assets\/stage-validation-[\w-]+\.js$/.test(path))
    expect(checksLoaded()).toBe(false)

    // Nothing reaches the server from here on: the message can only come from the browser's own check.
    await page.route('**/wizard/**', (route) => route.abort())
    await field(page, 'email').focus()
    await eventually(checksLoaded).toBe(true)
    await field(page, 'email').fill('not-an-address')
    await field(page, 'email').blur()
    await eventually(() => errorsBeside(page, 'email').textContent()).toBe('Use an e-mail address such as name@example.com.')
    expect(await field(page, 'email').getAttribute('aria-invalid')).toBe('true')

    await field(page, 'email').fill('ada@example.com')
    await eventually(() => errorsBeside(page, 'email').count()).toBe(0)
    expect(problems.filter((problem) => !/autosave|Failed to load resource/.test(problem))).toEqual([])
  })

  it('says "Not saved" when the server is gone, and keeps what was typed', async () => {
    // A server of its own, stopped halfway (the page stays open).
    const own = await startApp()
    try {
      const { page, problems } = await organizer(own)
      await createEventFromDashboard(page, own.server)
      await waitForHydration(page)
      await field(page, 'name').fill(values.organizerSetup.name)
      await eventually(async () => saveStatusOf(page)).toEqual({ status: 'saved', text: 'Saved' })
      expect(problems).toEqual([])

      await own.server.close()
      await field(page, 'organization').fill(values.organizerSetup.organization)
      await eventually(async () => (await saveStatusOf(page)).text).toMatch(/^Not saved/)
      expect((await saveStatusOf(page)).status).toMatch(/^(error|offline)$/)
      expect(await page.locator('p.save-status').getByRole('button', { name: 'Retry' }).count()).toBe(1)
      expect(await field(page, 'organization').inputValue()).toBe(values.organizerSetup.organization)
      expect(await field(page, 'name').inputValue()).toBe(values.organizerSetup.name)
    } finally {
      await own.close()
    }
  })

  it('the stepper refuses locked stages: no button to click, and their address leads back to the current stage', async () => {
    const { page, api, problems } = await organizer()
    const sessionId = await createEventFromDashboard(page, app.server)
    await waitForHydration(page)

    const locked = page.locator('li[data-status="locked"]')
    expect(await locked.evaluateAll((items) => items.map((item) => item.getAttribute('data-stage')))).toEqual([
      'eventSetup',
      'venueSetup',
      'ticketSetup',
      'paymentSetup',
      'sponsorsMedia',
      'reviewPublish',
    ])
    expect(await locked.locator('button, a').count()).toBe(0)
    expect(await page.locator('li[data-status="locked"] [aria-disabled="true"]').count()).toBe(6)

    // Clicking a locked item sends nothing and goes nowhere.
    const posts: Request[] = []
    page.on('request', (request) => {
      if (request.method() === 'POST') posts.push(request)
    })
    await page.locator('li[data-stage="reviewPublish"]').click()
    await page.locator('li[data-stage="ticketSetup"]').click()
    await page.waitForTimeout(300)
    expect(posts).toEqual([])
    expect(new URL(page.url()).pathname).toBe(`/wizard/${sessionId}/organizerSetup`)

    // The address of a locked stage lands on the current one.
    await page.goto(stageUrl(app.server, sessionId, 'ticketSetup'))
    expect(new URL(page.url()).pathname).toBe(`/wizard/${sessionId}/organizerSetup`)
    expect(await currentStageOf(page)).toBe('organizerSetup')

    // One stage further: the first is completed (a button back), the ones after the next are still locked.
    await waitForHydration(page)
    await fillFields(page, values.organizerSetup)
    await intentButton(page, 'continue').click()
    await page.waitForURL(`**/wizard/${sessionId}/eventSetup`)
    await eventually(() => currentStageOf(page)).toBe('eventSetup')
    expect(await page.locator('li[data-stage="organizerSetup"]').getAttribute('data-status')).toBe('completed')
    expect(await page.locator('li[data-stage="organizerSetup"] button').count()).toBe(1)
    expect(await page.locator('li[data-status="locked"]').count()).toBe(5)
    // The empty time zone starts as the browser's own, and is saved like a typed value.
    await eventually(() => field(page, 'timezone').inputValue()).toBe('Europe/Paris')
    await eventually(async () => ((await api.wizard.get.query({ sessionId })).data.eventSetup as { timezone?: string } | undefined)?.timezone).toBe(
      'Europe/Paris',
    )

    await page.goto(stageUrl(app.server, sessionId, 'reviewPublish'))
    expect(new URL(page.url()).pathname).toBe(`/wizard/${sessionId}/eventSetup`)
    await waitForHydration(page)
    await eventually(() => field(page, 'timezone').inputValue()).toBe('Europe/Paris')

    expect(problems).toEqual([])

    // A hand-made post asking for a locked stage is refused by the server too (412, which the console logs).
    const forged = await page.evaluate(
      async (url) => {
        const body = new FormData()
        body.set('intent', 'goto:reviewPublish')
        const response = await fetch(url, { method: 'POST', body, redirect: 'manual' })
        return response.status
      },
      stageUrl(app.server, sessionId, 'eventSetup'),
    )
    expect(forged).toBeGreaterThanOrEqual(400)
    expect((await api.wizard.get.query({ sessionId })).currentStage).toBe('eventSetup')
  })

  it('a double click on "Publish event" makes exactly one event', async () => {
    const { page, api, problems } = await organizer()
    const { sessionId } = await api.wizard.create.mutate({ fresh: true })
    await fillThroughApi(api, sessionId, 'reviewPublish')
    await page.goto(stageUrl(app.server, sessionId, 'reviewPublish'))
    await waitForHydration(page)
    expect(await page.locator('.blockers').count()).toBe(0)

    const publishes: Request[] = []
    page.on('request', (request) => {
      if (request.method() === 'POST' && (request.postData() ?? '').includes('publish')) publishes.push(request)
    })
    await page.locator('input[name="confirm"]').check()
    await intentButton(page, 'publish').dblclick()
    await page.waitForURL(/\/e\/[a-z0-9-]+\?published=1$/)
    await eventually(() => page.locator('h1').textContent()).toBe(values.eventSetup.title)
    // (Chromium sends one post for the double click; two concurrent posts are in no-javascript.test.ts.)
    expect(publishes.length).toBeGreaterThanOrEqual(1)

    const mine = await api.events.mine.query()
    expect(mine).toHaveLength(1)
    expect(mine[0]).toMatchObject({ title: values.eventSetup.title, status: 'published' })
    const rows = await eventsOfSession(app.database, sessionId)
    expect(rows.map((row) => row.id)).toEqual([mine[0]!.id])
    expect(new URL(page.url()).pathname).toBe(`/e/${rows[0]!.slug}`)
    expect(problems).toEqual([])
  })
})
