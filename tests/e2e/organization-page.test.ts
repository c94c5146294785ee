import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { asServiceRole } from '../../db/rls'
import * as schema from '../../db/schema'
import {
  BROWSER_MODES,
  collectPageProblems,
  type E2eApp,
  launchBrowser,
  newContext,
  PHONE,
  screenshot,
  signInInBrowser,
  signUpThroughApi,
  startApp,
  TEST_TIMEOUT,
  waitForHydration,
  widthsOf,
} from './support'

/*
 * The organization page as its owner uses it: the members with their roles, a role changed, the last
 * owner refused leaving (with the reason), a member removed. JavaScript on and off, phone and desktop.
 */
describe("an organization's members on its page", { timeout: TEST_TIMEOUT }, () => {
  let app: E2eApp
  let browser: Browser
  beforeAll(async () => {
    browser = await launchBrowser()
    app = await startApp()
  })
  afterAll(async () => {
    await browser?.close()
    await app?.close()
  })

  for (const { name, javaScript, viewport } of BROWSER_MODES) {
    it(name, async () => {
      const owner = await signUpThroughApi(app.server, 'owner')
      const member = await signUpThroughApi(app.server, 'member')
      const { id: organizationId } = await owner.api.orgs.create.mutate({ name: `Atelier ${javaScript ? 'js' : 'no-js'}` })
      await asServiceRole(app.database.db, (tx) => tx.insert(schema.organizationMembers).values({ organizationId, userId: member.userId, role: 'member' }))

      const context = await newContext(browser, app.server, { javaScriptEnabled: javaScript, viewport })
      const page = await context.newPage()
      const problems = javaScript ? collectPageProblems(page) : []
      await signInInBrowser(page, app.server, owner.email)
      await page.goto(`${app.server.url}/organizations`)
      if (javaScript) await waitForHydration(page)
      const rows = page.locator('.members__row')
      expect(await rows.allInnerTexts()).toEqual([expect.stringContaining(`${owner.email} (you)`), expect.stringContaining(member.email)])
      expect((await widthsOf(page)).overflowing).toEqual([])
      await screenshot(page, `organization-${javaScript ? 'js' : 'no-js'}-${viewport === PHONE ? 'phone' : 'desktop'}`)

      const submit = async (button: ReturnType<typeof page.getByRole>) => {
        if (javaScript) await button.click()
        else await Promise.all([page.waitForEvent('load'), button.click()])
      }
      await page.getByLabel(`Role of ${member.email}`).selectOption('admin')
      await submit(page.getByRole('button', { name: 'Change role' }))
      await expect.poll(async () => (await owner.api.orgs.members.query({ organizationId })).find((entry) => entry.userId === member.userId)?.role).toBe('admin')
      await expect.poll(() => page.getByLabel(`Role of ${member.email}`).inputValue()).toBe('admin')

      await submit(page.getByRole('button', { name: 'Leave organization' }))
      await page.getByRole('alert').filter({ hasText: 'An organization keeps at least one owner: make someone else owner first.' }).waitFor()

      await submit(page.getByRole('button', { name: 'Remove' }))
      await expect.poll(() => rows.count()).toBe(1)
      expect((await owner.api.orgs.members.query({ organizationId })).map((entry) => entry.userId)).toEqual([owner.userId])
      // The refused leave is answered 412 on purpose; the browser logs every 4xx answer it fetches.
      expect(problems.filter((problem) => !/^console: Failed to load resource: the server responded with a status of 412 /.test(problem))).toEqual([])
      await context.close()
    })
  }
})
