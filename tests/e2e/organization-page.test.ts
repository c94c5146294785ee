import { describe, expect, it } from 'vitest'
import { asServiceRole } from '../../db/rls'
import * as schema from '../../db/schema'
import { invitationTokenFor } from '../support/invitations'
import { validStageData } from '../support/wizard-fixtures'
import {
  BROWSER_MODES,
  collectPageProblems,
  fillThroughApi,
  newContext,
  newEmail,
  PASSWORD,
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
 * The organization page as its owner uses it: its events and drafts, the members with their roles, an
 * invitation sent to someone without an account who signs up from its link and joins, a role changed,
 * the last owner refused leaving (with the reason), a member removed. JavaScript on and off, phone and desktop.
 */
describe("an organization's events and members on its page", { timeout: TEST_TIMEOUT }, () => {
  const { browser, app } = useBrowserApp()

  for (const { name, javaScript, viewport } of BROWSER_MODES) {
    it(name, async () => {
      const owner = await signUp(app.server, 'owner')
      const member = await signUp(app.server, 'member')
      const { id: organizationId } = await owner.api.orgs.create.mutate({ name: `Atelier ${javaScript ? 'js' : 'no-js'}` })
      await asServiceRole(app.database.db, (tx) => tx.insert(schema.organizationMembers).values({ organizationId, userId: member.id, role: 'member' }))
      // One published event and one draft of the organization; the owner's personal draft stays off its page.
      const live = await owner.api.wizard.create.mutate({ fresh: true, organizationId })
      await fillThroughApi(owner.api, live.sessionId, 'reviewPublish')
      const published = await owner.api.wizard.publish.mutate({ sessionId: live.sessionId })
      const draft = await member.api.wizard.create.mutate({ fresh: true, organizationId })
      const stages = validStageData(new Date())
      await fillThroughApi(member.api, draft.sessionId, 'venueSetup', { ...stages, eventSetup: { ...stages.eventSetup, title: 'Spring Pop-up' } })
      await owner.api.wizard.create.mutate({ fresh: true })

      const context = await newContext(browser, app.server, { javaScriptEnabled: javaScript, viewport })
      const page = await context.newPage()
      const problems = javaScript ? collectPageProblems(page) : []
      await signInInBrowser(page, app.server, owner.email)
      await page.goto(`${app.server.url}/organizations`)
      if (javaScript) await waitForHydration(page)
      const rows = page.locator('.members__row')
      expect(await rows.allInnerTexts()).toEqual([expect.stringContaining(`${owner.email} (you)`), expect.stringContaining(member.email)])
      const [events, drafts] = await page.locator('.organization__list').all()
      expect(await events!.innerText()).toMatch(/^Autumn Collection Show\s+Live\s+\w+/)
      expect(await events!.getByRole('link').getAttribute('href')).toBe(`/events/${published.eventId}`)
      expect(await drafts!.innerText()).toMatch(/^Spring Pop-up\s+Venue, \d+% complete$/)
      expect(await drafts!.getByRole('link').getAttribute('href')).toBe(`/wizard/${draft.sessionId}/venueSetup`)
      expect((await widthsOf(page)).overflowing).toEqual([])
      await screenshot(page, `organization-${javaScript ? 'js' : 'no-js'}-${viewport === PHONE ? 'phone' : 'desktop'}`)

      const submit = async (button: ReturnType<typeof page.getByRole>) => {
        if (javaScript) await button.click()
        else await Promise.all([page.waitForEvent('load'), button.click()])
      }

      // An invitation to an e-mail without an account: its link leads through sign-up to joining.
      const invitee = newEmail('invitee')
      await page.getByLabel('Their e-mail').fill(invitee)
      await submit(page.getByRole('button', { name: 'Send invitation' }))
      await page
        .getByRole('status')
        .filter({ hasText: `Invitation sent to ${invitee}` })
        .waitFor()
      const inviteeContext = await newContext(browser, app.server, { javaScriptEnabled: javaScript, viewport })
      const inviteePage = await inviteeContext.newPage()
      const inviteeProblems = javaScript ? collectPageProblems(inviteePage) : []
      await inviteePage.goto(`${app.server.url}/invitations/${await invitationTokenFor(app.server, invitee)}`)
      await inviteePage.waitForURL(/\/sign-in\?redirectTo=/)
      await Promise.all([inviteePage.waitForURL(/\/sign-up\?redirectTo=/), inviteePage.getByRole('link', { name: 'Create an account' }).click()])
      await inviteePage.locator('input[name="email"]').fill(invitee)
      await inviteePage.locator('input[name="password"]').fill(PASSWORD)
      await Promise.all([inviteePage.waitForURL(/\/invitations\/[\w-]+$/), inviteePage.getByRole('button', { name: 'Create account' }).click()])
      await inviteePage.getByRole('heading', { level: 1, name: `Join Atelier ${javaScript ? 'js' : 'no-js'} as member` }).waitFor()
      await Promise.all([inviteePage.waitForURL(/\/organizations$/), inviteePage.getByRole('button', { name: 'Accept' }).click()])
      await inviteePage.getByRole('heading', { level: 2, name: /^Atelier/ }).waitFor()
      // A member sees the organization's events and drafts too.
      expect(await inviteePage.locator('.organization__list').first().innerText()).toContain('Autumn Collection Show')
      expect(inviteeProblems).toEqual([])
      await inviteeContext.close()
      await page.reload()
      expect(await rows.count()).toBe(3)
      await submit(page.getByRole('form', { name: `Change ${invitee}` }).getByRole('button', { name: 'Remove' }))
      await expect.poll(() => rows.count()).toBe(2)
      await page.getByLabel(`Role of ${member.email}`).selectOption('admin')
      await submit(page.getByRole('button', { name: 'Change role' }))
      await expect.poll(async () => (await owner.api.orgs.members.query({ organizationId })).find((entry) => entry.userId === member.id)?.role).toBe('admin')
      await expect.poll(() => page.getByLabel(`Role of ${member.email}`).inputValue()).toBe('admin')

      await submit(page.getByRole('button', { name: 'Leave organization' }))
      await page.getByRole('alert').filter({ hasText: 'An organization keeps at least one owner: make someone else owner first.' }).waitFor()

      await submit(page.getByRole('button', { name: 'Remove' }))
      await expect.poll(() => rows.count()).toBe(1)
      expect((await owner.api.orgs.members.query({ organizationId })).map((entry) => entry.userId)).toEqual([owner.id])
      // The refused leave is answered 412 on purpose; the browser logs every 4xx answer it fetches.
      expect(problems.filter((problem) => !/^console: Failed to load resource: the server responded with a status of 412 /.test(problem))).toEqual([])
      await context.close()
    })
  }
})
