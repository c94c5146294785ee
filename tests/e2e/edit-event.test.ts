import { eq } from 'drizzle-orm'
import { beforeAll, describe, expect, it } from 'vitest'
import { asServiceRole } from '../../db/rls'
import * as schema from '../../db/schema'
import { dayAfter } from '../support/wizard-fixtures'
import {
  BROWSER_MODES,
  collectPageProblems,
  field,
  fillThroughApi,
  follow,
  formErrors,
  intentButton,
  newContext,
  newEmail,
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
 * Editing a live event from its organizer's page: "Edit" opens the edit session on its review (the
 * page says a live event is being edited), a change that would take seats from attendees is refused
 * with the reason, a valid one ("Publish changes") updates the event in place and queues an e-mail to
 * its attendees, and "Discard changes" leaves the event as it was. JavaScript on and off, phone and desktop.
 */
describe('editing a live event in a browser', { timeout: TEST_TIMEOUT }, () => {
  const { browser, app } = useBrowserApp()
  let organizer: Awaited<ReturnType<typeof signUp>>
  beforeAll(async () => {
    organizer = await signUp(app.server, 'organizer')
  })

  const eventOf = async (eventId: string) =>
    (await asServiceRole(app.database.db, (tx) => tx.select().from(schema.events).where(eq(schema.events.id, eventId))))[0]!

  for (const { name, javaScript, viewport } of BROWSER_MODES) {
    it(name, async () => {
      const size = `${javaScript ? 'js' : 'no-js'}-${viewport === PHONE ? 'phone' : 'desktop'}`
      const { sessionId } = await organizer.api.wizard.create.mutate({ fresh: true })
      await fillThroughApi(organizer.api, sessionId, 'reviewPublish')
      const published = await organizer.api.wizard.publish.mutate({ sessionId })
      const [general] = await asServiceRole(app.database.db, (tx) =>
        tx.select().from(schema.eventTicketTiers).where(eq(schema.eventTicketTiers.eventId, published.eventId)).orderBy(schema.eventTicketTiers.position),
      )
      const attendee = newEmail(`attendee-${size}`)
      await organizer.api.orders.place.mutate({
        eventId: published.eventId,
        items: [{ tierId: general!.id, quantity: 3 }],
        buyer: { name: 'Grace Hopper', email: attendee },
      })
      const before = await eventOf(published.eventId)

      const context = await newContext(browser, app.server, { javaScriptEnabled: javaScript, viewport })
      const page = await context.newPage()
      // The refused publish answers 412, which the browser reports in its console.
      const problems = javaScript ? collectPageProblems(page) : []
      await signInInBrowser(page, app.server, organizer.email)
      await page.goto(`${app.server.url}/events/${published.eventId}`)
      if (javaScript) await waitForHydration(page)

      // Edit lands on the review of the edit session, which says what it is.
      await follow(page, javaScript, () => page.getByRole('button', { name: 'Edit', exact: true }).click(), /\/wizard\/[0-9a-f-]+\/reviewPublish$/)
      if (javaScript) await waitForHydration(page)
      expect(page.url()).not.toContain(sessionId)
      const banner = page.getByRole('complementary', { name: 'Editing a live event' })
      expect(await banner.innerText()).toContain('Nothing changes for the public until you publish the changes.')
      await page.getByRole('button', { name: 'Publish changes' }).waitFor()
      // The preview is the event as publishing builds it: its tiers but the hidden one.
      const preview = await page.locator('.preview').innerText()
      expect(preview).toContain('Autumn Collection Show')
      expect(preview).toContain('General admission')
      expect(preview).not.toContain('Press')
      expect((await widthsOf(page)).overflowing).toEqual([])
      await screenshot(page, `edit-review-${size}`)

      // Fewer General admission tickets than are reserved: refused on publishing, with the reason.
      await follow(page, javaScript, () => intentButton(page, 'goto:ticketSetup').click(), /\/ticketSetup$/)
      await field(page, 'tiers[0].quantity').fill('2')
      await field(page, 'tiers[0].maxPerOrder').fill('2')
      await follow(page, javaScript, () => intentButton(page, 'goto:reviewPublish').click(), /\/reviewPublish$/)
      await page.getByLabel('I want these changes to go live now.').check()
      const publish = page.getByRole('button', { name: 'Publish changes' })
      if (javaScript) await publish.click()
      else await Promise.all([page.waitForEvent('load'), publish.click()])
      await formErrors(page).filter({ hasText: '3 tickets of "General admission" are already reserved: offer at least 3.' }).waitFor()
      expect(await eventOf(published.eventId)).toEqual(before)

      // A later date and enough tickets: published in place, the attendee e-mailed.
      const later = dayAfter(new Date(), 120)
      await follow(page, javaScript, () => intentButton(page, 'goto:ticketSetup').click(), /\/ticketSetup$/)
      await field(page, 'tiers[0].quantity').fill('220')
      await field(page, 'tiers[0].maxPerOrder').fill('4')
      await follow(page, javaScript, () => intentButton(page, 'goto:eventSetup').click(), /\/eventSetup$/)
      await field(page, 'date').fill(later)
      await follow(page, javaScript, () => intentButton(page, 'goto:reviewPublish').click(), /\/reviewPublish$/)
      await page.getByLabel('I want these changes to go live now.').check()
      await follow(page, javaScript, () => page.getByRole('button', { name: 'Publish changes' }).click(), /\?done=changes-published$/)
      await page.locator('.manage__done').filter({ hasText: 'Your changes are live.' }).waitFor()
      const after = await eventOf(published.eventId)
      expect(after).toMatchObject({ id: published.eventId, slug: published.slug, status: 'published' })
      expect(after.startsAt.toISOString().slice(0, 10)).toBe(later)
      const [tier] = await asServiceRole(app.database.db, (tx) => tx.select().from(schema.eventTicketTiers).where(eq(schema.eventTicketTiers.id, general!.id)))
      expect(tier!.quantity).toBe(220)
      const emails = await asServiceRole(app.database.db, (tx) => tx.select().from(schema.emailOutbox).where(eq(schema.emailOutbox.recipient, attendee)))
      expect(emails.map((email) => email.template).sort()).toEqual(['event-changed', 'order-confirmation'])

      // Edit again, then discard: the event stays as published.
      await follow(page, javaScript, () => page.getByRole('button', { name: 'Edit', exact: true }).click(), /\/reviewPublish$/)
      await follow(page, javaScript, () => intentButton(page, 'goto:eventSetup').click(), /\/eventSetup$/)
      await field(page, 'title').fill('A title nobody will see')
      await follow(page, javaScript, () => page.getByRole('button', { name: 'Discard changes' }).click(), /\?done=changes-discarded$/)
      await page.locator('.manage__done').filter({ hasText: 'Your changes were discarded' }).waitFor()
      expect((await eventOf(published.eventId)).title).toBe(after.title)
      expect(problems.filter((problem) => !problem.includes('status of 412'))).toEqual([])
      await context.close()
    })
  }
})
