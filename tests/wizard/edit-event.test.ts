import { randomBytes } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { pino } from 'pino'
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import { asServiceRole } from '../../db/rls'
import * as schema from '../../db/schema'
import { createMailTransport } from '../../server/mail/transport'
import { sendDueEmails } from '../../server/mail/worker'
import { describeEachDatabase } from '../support/databases'
import { type FakeStripe, fakeAccount, startFakeStripe, verifiedAccount } from '../support/fake-stripe'
import { asUserRolledBack, sqlState } from '../support/fixtures'
import { joinOrganization } from '../support/invitations'
import { type Api, fillThroughApi, paidStageData, signUp } from '../support/organizers'
import { failureOf, useTestServer } from '../support/server'
import { type SmtpTestServer, startSmtpServer } from '../support/smtp'
import { stripeEnv } from '../support/stripe-webhooks'
import { dayAfter, validStageData } from '../support/wizard-fixtures'

type TierRow = typeof schema.eventTicketTiers.$inferSelect
type Tier = { id?: string; name: string; price: number; currency: string; quantity: number } & Record<string, unknown>

/*
 * Editing a live event: `wizard.create({ editEventId })` opens the one edit session of the event,
 * prefilled; publishing it changes the event and its tiers in place, refuses what would take seats or
 * money from under attendees, and e-mails confirmed attendees (through the outbox, over real SMTP)
 * when the date, time or place changed.
 */
describeEachDatabase('editing a published event', (kind) => {
  let fake: FakeStripe
  let smtp: SmtpTestServer
  beforeAll(async () => {
    fake = await startFakeStripe()
    smtp = await startSmtpServer()
  })
  afterAll(async () => {
    await smtp?.close()
    await fake?.close()
  })
  const { server, database } = useTestServer(kind, () => ({ ...stripeEnv(fake), RATE_LIMIT_AUTH_PER_IP: '200' }))
  beforeEach(() => {
    smtp.received.length = 0
  })

  const buyer = (name = 'Grace Hopper') => ({ name, email: `buyer-${randomBytes(4).toString('hex')}@example.test` })
  const tiersOf = (state: { data: { ticketSetup?: unknown } }) => (state.data.ticketSetup as { tiers: Tier[] }).tiers

  async function publishedEvent(organizer: { api: Api }, options: { organizationId?: string; data?: ReturnType<typeof validStageData> } = {}) {
    const { sessionId } = await organizer.api.wizard.create.mutate({
      fresh: true,
      ...(options.organizationId ? { organizationId: options.organizationId } : {}),
    })
    await fillThroughApi(organizer.api, sessionId, 'reviewPublish', options.data)
    return organizer.api.wizard.publish.mutate({ sessionId })
  }

  /** What the public and the organizer see of the event now. */
  async function eventNow(api: Api, eventId: string) {
    const [event] = await asServiceRole(database.db, (tx) => tx.select().from(schema.events).where(eq(schema.events.id, eventId)))
    const tiers = await asServiceRole(database.db, (tx) =>
      tx.select().from(schema.eventTicketTiers).where(eq(schema.eventTicketTiers.eventId, eventId)).orderBy(schema.eventTicketTiers.position),
    )
    return { event: event!, tiers, api }
  }

  /** Saves the edit session's tickets stage with `tiers` (and the capacity, or none), strictly, as the form or the copilot would. */
  const saveTiers = (api: Api, sessionId: string, tiers: Tier[], totalCapacity?: number) =>
    api.wizard.merge.mutate({ sessionId, stage: 'ticketSetup', data: { tiers, totalCapacity: totalCapacity ?? null }, validate: 'strict' })

  it('opens one edit session prefilled from the event, waiting on the review; a second manager resumes it', async () => {
    const owner = await signUp(server, 'owner')
    const admin = await signUp(server, 'admin')
    const { id: organizationId } = await owner.api.orgs.create.mutate({ name: `Maison ${randomBytes(3).toString('hex')}` })
    await joinOrganization(server, owner, admin, organizationId, 'admin')
    const published = await publishedEvent(owner, { organizationId })
    const source = await owner.api.wizard.get.query({ sessionId: published.sessionId })
    const { tiers: storedTiers } = await eventNow(owner.api, published.eventId)

    // Two managers press Edit at once: one session, which both get.
    const [first, second] = await Promise.all([
      owner.api.wizard.create.mutate({ editEventId: published.eventId }),
      admin.api.wizard.create.mutate({ editEventId: published.eventId }),
    ])
    expect(second.sessionId).toBe(first.sessionId)
    expect(first).toMatchObject({ status: 'in_progress', currentStage: 'reviewPublish', editsEventId: published.eventId, organizationId, eventId: null })
    expect(first.completedStages).toEqual(['organizerSetup', 'eventSetup', 'venueSetup', 'ticketSetup', 'paymentSetup', 'sponsorsMedia'])
    expect(first.data.eventSetup).toEqual(source.data.eventSetup)
    expect(first.data.venueSetup).toEqual(source.data.venueSetup)
    expect(tiersOf(first)).toEqual(tiersOf(source).map((tier, index) => ({ ...tier, id: storedTiers[index]!.id })))

    // Opening it again resumes it with what was saved; it is no draft on the dashboard.
    await admin.api.wizard.merge.mutate({ sessionId: first.sessionId, stage: 'eventSetup', data: { title: 'Autumn Show, extended' } })
    const resumed = await owner.api.wizard.create.mutate({ editEventId: published.eventId })
    expect(resumed.sessionId).toBe(first.sessionId)
    expect(resumed.data.eventSetup).toMatchObject({ title: 'Autumn Show, extended' })
    expect((await owner.api.wizard.list.query()).map((draft) => draft.sessionId)).not.toContain(first.sessionId)

    // Discarding the changes frees the event for a new edit session.
    await owner.api.wizard.abandon.mutate({ sessionId: first.sessionId })
    const fresh = await owner.api.wizard.create.mutate({ editEventId: published.eventId })
    expect(fresh.sessionId).not.toBe(first.sessionId)
    expect(fresh.data.eventSetup).toEqual(source.data.eventSetup)
  })

  it('lets only managers edit: a member is refused, another organization sees nothing, bad input names the field', async () => {
    const owner = await signUp(server, 'owner')
    const member = await signUp(server, 'member')
    const stranger = await signUp(server, 'stranger')
    const { id: organizationId } = await owner.api.orgs.create.mutate({ name: `Maison ${randomBytes(3).toString('hex')}` })
    await joinOrganization(server, owner, member, organizationId, 'member')
    const { id: otherOrganization } = await stranger.api.orgs.create.mutate({ name: `Autre ${randomBytes(3).toString('hex')}` })
    const published = await publishedEvent(owner, { organizationId })

    const refused = await failureOf(member.api.wizard.create.mutate({ editEventId: published.eventId }))
    expect(refused.data?.code).toBe('FORBIDDEN')
    expect(refused.message).toBe("Only the event's publisher and its organization's owners and admins can edit it.")
    expect((await failureOf(stranger.api.wizard.create.mutate({ editEventId: published.eventId }))).data?.code).toBe('NOT_FOUND')
    const elsewhere = await failureOf(stranger.api.wizard.create.mutate({ editEventId: published.eventId, organizationId: otherOrganization }))
    expect(elsewhere.data?.issues).toEqual([{ path: 'organizationId', message: 'A copy or an edit belongs where its event does: leave the organization out.' }])
    const malformed = await failureOf(owner.api.wizard.create.mutate({ editEventId: 'not-an-id' }))
    expect(malformed.data?.issues).toEqual([{ path: 'editEventId', message: 'Give the id of one of your events.' }])

    // Row Level Security refuses the edit session the core would not open, even inserted directly: a
    // member's, or one outside the event's organization; the owner's goes through.
    const claimsOf = (user: { id: string; email: string }) => ({ role: 'authenticated' as const, sub: user.id, email: user.email, aud: 'authenticated' })
    const insertEdit = (user: { id: string; email: string }, organization: string | null) =>
      asUserRolledBack(database.db, claimsOf(user), (tx) =>
        tx
          .insert(schema.wizardSessions)
          .values({ userId: user.id, organizationId: organization, editsEventId: published.eventId })
          .returning({ id: schema.wizardSessions.id }),
      )
    expect(await insertEdit(owner, organizationId)).toHaveLength(1)
    expect(sqlState(await insertEdit(member, organizationId).catch((error: unknown) => error))).toBe('42501')
    expect(sqlState(await insertEdit(owner, null).catch((error: unknown) => error))).toBe('42501')
    expect(sqlState(await insertEdit(stranger, otherOrganization).catch((error: unknown) => error))).toBe('42501')
    const rows = await asServiceRole(database.db, (tx) =>
      tx.select().from(schema.wizardSessions).where(eq(schema.wizardSessions.editsEventId, published.eventId)),
    )
    expect(rows).toEqual([])

    // A cancelled event is not edited.
    await owner.api.events.cancel.mutate({ eventId: published.eventId, message: '' })
    const cancelled = await failureOf(owner.api.wizard.create.mutate({ editEventId: published.eventId }))
    expect(cancelled.data?.code).toBe('CONFLICT')
    expect(cancelled.message).toBe('This event is cancelled: it can no longer be edited.')
  })

  it('refuses changes that take seats or money from attendees, each with the field and the reason, changing nothing', async () => {
    const organizer = await signUp(server, 'organizer')
    const published = await publishedEvent(organizer)
    const [general, press] = (await eventNow(organizer.api, published.eventId)).tiers as [TierRow, TierRow]
    await organizer.api.orders.place.mutate({ eventId: published.eventId, items: [{ tierId: general.id, quantity: 3 }], buyer: buyer() })
    const before = await eventNow(organizer.api, published.eventId)

    const edit = await organizer.api.wizard.create.mutate({ editEventId: published.eventId })
    const tiers = tiersOf(edit)
    const refusalOf = async (changed: Tier[], totalCapacity?: number) => {
      await saveTiers(organizer.api, edit.sessionId, changed, totalCapacity)
      const failure = await failureOf(organizer.api.wizard.publish.mutate({ sessionId: edit.sessionId }))
      expect(failure.data?.code).toBe('PRECONDITION_FAILED')
      return failure.data?.issues
    }

    expect(await refusalOf([tiers[1]!])).toEqual([
      {
        path: 'ticketSetup.tiers',
        message: '"General admission" has 3 reserved seats: it cannot be removed. Hide it, or lower its quantity to stop its sales.',
      },
    ])
    expect(await refusalOf([{ ...tiers[0]!, quantity: 2, maxPerOrder: 2 }, tiers[1]!])).toEqual([
      { path: 'ticketSetup.tiers.0.quantity', message: '3 tickets of "General admission" are already reserved: offer at least 3.' },
    ])
    expect(await refusalOf(tiers.map((tier) => ({ ...tier, currency: 'USD' })))).toEqual([
      { path: 'ticketSetup.tiers.0.currency', message: 'Tickets were already sold in EUR: the currency cannot change.' },
    ])
    expect(
      await refusalOf(
        [
          { ...tiers[0]!, quantity: 1, maxPerOrder: 1 },
          { ...tiers[1]!, quantity: 1, maxPerOrder: 1 },
        ],
        2,
      ),
    ).toEqual([
      { path: 'ticketSetup.tiers.0.quantity', message: '3 tickets of "General admission" are already reserved: offer at least 3.' },
      { path: 'ticketSetup.totalCapacity', message: '3 seats are already reserved: the capacity must be at least 3.' },
    ])
    // A tier id of anything else (here, the event's own id) is no tier of this event.
    expect(await refusalOf([tiers[0]!, { ...tiers[1]!, id: press.eventId }])).toEqual([
      { path: 'ticketSetup.tiers.1.id', message: "This is not one of the event's tiers: leave the id out for a new tier." },
    ])

    // Nothing was written by any refusal; the session stays open to fix it.
    const after = await eventNow(organizer.api, published.eventId)
    expect(after.event).toEqual(before.event)
    expect(after.tiers).toEqual(before.tiers)
    expect((await organizer.api.wizard.get.query({ sessionId: edit.sessionId })).status).toBe('in_progress')
  })

  it('publishes a valid change in place: same event and slug, tiers matched by id, attendees e-mailed over SMTP', async () => {
    const organizer = await signUp(server, 'organizer')
    const published = await publishedEvent(organizer)
    const before = await eventNow(organizer.api, published.eventId)
    const [general] = before.tiers
    const attendees = [buyer('Ada Lovelace'), buyer('Alan Turing')]
    for (const person of attendees) {
      await organizer.api.orders.place.mutate({ eventId: published.eventId, items: [{ tierId: general!.id, quantity: 1 }], buyer: person })
    }

    const edit = await organizer.api.wizard.create.mutate({ editEventId: published.eventId })
    const [kept] = tiersOf(edit)
    // A new date a week later, the unsold press tier replaced by a new one, the sold tier renamed and grown.
    const later = dayAfter(new Date(), 100)
    await organizer.api.wizard.merge.mutate({ sessionId: edit.sessionId, stage: 'eventSetup', data: { date: later }, validate: 'strict' })
    await saveTiers(organizer.api, edit.sessionId, [
      { ...kept!, name: 'General', quantity: 220 },
      { name: 'Students', price: 0, currency: 'EUR', quantity: 30 },
    ])
    const result = await organizer.api.wizard.publish.mutate({ sessionId: edit.sessionId })
    expect(result).toEqual({ eventId: published.eventId, slug: published.slug, sessionId: edit.sessionId, attendeesNotified: 2 })
    // Publishing again answers the same and changes nothing more.
    expect(await organizer.api.wizard.publish.mutate({ sessionId: edit.sessionId })).toMatchObject({ eventId: published.eventId, slug: published.slug })

    const after = await eventNow(organizer.api, published.eventId)
    expect(after.event).toMatchObject({ id: published.eventId, slug: published.slug, status: 'published', sessionId: edit.sessionId })
    expect(after.event.startsAt.toISOString().slice(0, 10)).toBe(later)
    expect(after.tiers.map((tier) => [tier.name, tier.quantity, tier.reserved])).toEqual([
      ['General', 220, 2],
      ['Students', 30, 0],
    ])
    expect(after.tiers[0]!.id).toBe(general!.id)
    const publicPage = await organizer.api.events.bySlug.query({ slug: published.slug })
    expect(publicPage.tiers.map((tier) => tier.name)).toEqual(['General', 'Students'])

    // The next edit starts from these changes, the new tier with its id.
    const next = await organizer.api.wizard.create.mutate({ editEventId: published.eventId })
    expect(tiersOf(next).map((tier) => [tier.name, tier.id])).toEqual(after.tiers.map((tier) => [tier.name, tier.id]))
    await organizer.api.wizard.abandon.mutate({ sessionId: next.sessionId })

    // The attendees' e-mails, sent by the worker over SMTP.
    const outcome = await sendDueEmails({
      db: database.db,
      now: () => new Date(),
      logger: pino({ level: 'silent' }),
      transport: createMailTransport({ SMTP_URL: smtp.url }),
      from: 'Event Wizard <tickets@example.test>',
      templates: { appUrl: 'https://tickets.example.test', accessSecret: server.app.orders.accessSecret, invitationSecret: server.app.orgs.invitationSecret },
    })
    expect(outcome.failed).toBe(0)
    const changeMails = smtp.received.filter((mail) => mail.subject?.startsWith('Changed: '))
    expect(changeMails.map((mail) => (Array.isArray(mail.to) ? '' : mail.to?.text)).sort()).toEqual(attendees.map((person) => person.email).sort())
    const weekday = new Intl.DateTimeFormat('en', { dateStyle: 'full', timeZone: 'Europe/Paris' }).format(after.event.startsAt)
    for (const mail of changeMails) {
      expect(mail.text).toContain(weekday)
      expect(mail.text).toContain('Your tickets stay valid.')
      expect(mail.text).toMatch(/See your order: https:\/\/tickets\.example\.test\/orders\/[\w-]+\?key=/)
    }
  })

  it('changes nothing for attendees when only words change; a new price applies to new orders only', async () => {
    const organizer = await signUp(server, 'organizer')
    const accountId = `acct_${randomBytes(8).toString('hex')}`
    fake.accounts.set(accountId, verifiedAccount(fakeAccount(accountId)))
    await asServiceRole(database.db, (tx) =>
      tx.insert(schema.paymentAccounts).values({ stripeAccountId: accountId, chargesEnabled: true, userId: organizer.id }),
    )
    const published = await publishedEvent(organizer, { data: paidStageData(new Date()) })
    const [front] = (await eventNow(organizer.api, published.eventId)).tiers
    const early = await organizer.api.orders.place.mutate({ eventId: published.eventId, items: [{ tierId: front!.id, quantity: 1 }], buyer: buyer() })

    const edit = await organizer.api.wizard.create.mutate({ editEventId: published.eventId })
    await organizer.api.wizard.merge.mutate({ sessionId: edit.sessionId, stage: 'eventSetup', data: { description: 'Now with a live string quartet.' } })
    await saveTiers(
      organizer.api,
      edit.sessionId,
      tiersOf(edit).map((tier, index) => (index === 0 ? { ...tier, price: 3000 } : tier)),
    )
    const result = await organizer.api.wizard.publish.mutate({ sessionId: edit.sessionId })
    expect(result.attendeesNotified).toBe(0)

    const late = await organizer.api.orders.place.mutate({ eventId: published.eventId, items: [{ tierId: front!.id, quantity: 1 }], buyer: buyer() })
    const items = await asServiceRole(database.db, (tx) => tx.select().from(schema.orderItems))
    expect(items.find((item) => item.orderId === early.orderId)?.unitPrice).toBe(2500)
    expect(items.find((item) => item.orderId === late.orderId)?.unitPrice).toBe(3000)
  })
})
