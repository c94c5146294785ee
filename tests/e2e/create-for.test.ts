import { describe, expect, it } from 'vitest'
import {
  BROWSER_MODES,
  collectPageProblems,
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
 * "Create event" asks for whom once the user belongs to an organization: just me, or the organization.
 * The wizard it starts belongs there, and the dashboard says so. JavaScript on and off, phone and desktop.
 */
describe('creating an event for an organization from the dashboard', { timeout: TEST_TIMEOUT }, () => {
  const { browser, app } = useBrowserApp()

  for (const { name, javaScript, viewport } of BROWSER_MODES) {
    it(name, async () => {
      const organizer = await signUp(app.server, 'organizer')
      const context = await newContext(browser, app.server, { javaScriptEnabled: javaScript, viewport })
      const page = await context.newPage()
      const problems = javaScript ? collectPageProblems(page) : []
      await signInInBrowser(page, app.server, organizer.email)
      // Nobody to choose between yet: no question.
      expect(await page.getByLabel('For').count()).toBe(0)

      const { id: organizationId } = await organizer.api.orgs.create.mutate({ name: 'Maison Lumière' })
      await page.reload()
      if (javaScript) await waitForHydration(page)
      const forWhom = page.getByLabel('For')
      expect(await forWhom.locator('option').allInnerTexts()).toEqual(['Just me', 'Maison Lumière'])
      expect(await forWhom.inputValue()).toBe('')
      await forWhom.selectOption({ label: 'Maison Lumière' })
      expect((await widthsOf(page)).overflowing).toEqual([])
      await screenshot(page, `create-for-${javaScript ? 'js' : 'no-js'}-${viewport === PHONE ? 'phone' : 'desktop'}`)
      await Promise.all([page.waitForURL(/\/wizard\/[0-9a-f-]+\/organizerSetup$/), page.getByRole('button', { name: 'Create event' }).click()])
      const sessionId = page.url().split('/wizard/')[1]!.split('/')[0]!
      expect((await organizer.api.wizard.get.query({ sessionId })).organizationId).toBe(organizationId)

      // Back on the dashboard the draft says whose it is; "Just me" starts a personal one.
      await page.goto(`${app.server.url}/`)
      if (javaScript) await waitForHydration(page)
      expect(await page.locator('.dashboard').innerText()).toContain('Maison Lumière')
      await Promise.all([page.waitForURL(/\/wizard\/[0-9a-f-]+\/organizerSetup$/), page.getByRole('button', { name: 'Create event' }).click()])
      const personal = page.url().split('/wizard/')[1]!.split('/')[0]!
      expect(personal).not.toBe(sessionId)
      expect((await organizer.api.wizard.get.query({ sessionId: personal })).organizationId).toBeNull()
      expect(problems).toEqual([])
      await context.close()
    })
  }
})
