import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { asServiceRole } from '../../db/rls'
import * as schema from '../../db/schema'
import { DomainError } from '../../server/errors'
import { eventBySlug, unpublishEvent } from '../../server/wizard/events'
import { mergeStage } from '../../server/wizard/merge'
import { publishWizard } from '../../server/wizard/publish'
import { abandonWizard, createWizard, getWizard } from '../../server/wizard/sessions'
import { transitionStage } from '../../server/wizard/transition'
import { describeEachDatabase, openTestDatabase, type TestDatabase } from '../support/databases'
import { createOrganization, createUser, type TestUser } from '../support/fixtures'
import { actorOf, fillThrough, testClock, wizardDeps } from '../support/wizard-driver'
import { validStageData } from '../support/wizard-fixtures'

const DAY = 24 * 60 * 60 * 1000

/** The domain error a core call failed with. */
async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the call to be refused')
    },
    (caught: unknown) => caught,
  )
  if (!(error instanceof DomainError)) throw error
  return error
}

describeEachDatabase('the wizard core', (kind) => {
  let database: TestDatabase
  let user: TestUser
  const clock = testClock()
  const deps = () => wizardDeps(database.db, clock)
  beforeAll(async () => {
    database = await openTestDatabase(kind)
    user = await createUser(database.db, 'organizer')
  })
  afterAll(() => database.close())

  const newWizard = () => createWizard(deps(), user.claims, { fresh: true })
  const actionsOf = (sessionId: string) =>
    asServiceRole(database.db, (tx) =>
      tx.select().from(schema.wizardActions).where(eq(schema.wizardActions.sessionId, sessionId)).orderBy(schema.wizardActions.createdAt),
    )

  describe('create and get', () => {
    it('resumes the newest unfinished wizard unless a fresh one is asked for', async () => {
      const other = await createUser(database.db)
      const first = await createWizard(deps(), other.claims, {})
      expect(first).toMatchObject({ currentStage: 'organizerSetup', status: 'in_progress', version: 1, completedStages: [] })
      expect((await createWizard(deps(), other.claims, {})).sessionId).toBe(first.sessionId)
      const fresh = await createWizard(deps(), other.claims, { fresh: true })
      expect(fresh.sessionId).not.toBe(first.sessionId)
      expect((await createWizard(deps(), other.claims, {})).sessionId).toBe(fresh.sessionId)
    })

    it('starts a wizard in an organization only for its members', async () => {
      const owner = await createUser(database.db)
      const organization = await createOrganization(database.db, owner)
      const inOrg = await createWizard(deps(), owner.claims, { organizationId: organization.id })
      expect(inOrg.organizationId).toBe(organization.id)
      const outsider = await refusal(createWizard(deps(), user.claims, { organizationId: organization.id }))
      expect(outsider.code).toBe('NOT_FOUND')
    })

    it("answers another user's wizard with NOT_FOUND", async () => {
      const wizard = await newWizard()
      const stranger = await createUser(database.db)
      expect((await refusal(getWizard(deps(), stranger.claims, wizard.sessionId))).code).toBe('NOT_FOUND')
    })
  })

  describe('merge', () => {
    it('replaces top-level keys, nested objects and arrays whole, and removes keys sent as null', async () => {
      const wizard = await newWizard()
      const id = wizard.sessionId
      await fillThrough(deps(), actorOf(user), id, 'venueSetup')
      const valid = validStageData(clock.now())
      await mergeStage(deps(), actorOf(user), { sessionId: id, stage: 'venueSetup', data: valid.venueSetup, validate: 'draft' })
      const { capacity: _capacity, postalCode: _postalCode, ...venueWithoutCapacity } = valid.venueSetup.venue!
      const state = await mergeStage(deps(), actorOf(user), {
        sessionId: id,
        stage: 'venueSetup',
        data: { venue: venueWithoutCapacity, online: null },
        validate: 'draft',
      })
      expect(state.data.venueSetup).toEqual({ mode: 'hybrid', venue: venueWithoutCapacity })
      // Hybrid without the online link is stored as a draft, with the issue to fix.
      expect(state.issues.venueSetup.map((issue) => issue.path)).toEqual(['online'])

      const event = await mergeStage(deps(), actorOf(user), {
        sessionId: id,
        stage: 'eventSetup',
        data: { description: null },
        validate: 'draft',
      })
      expect(event.data.eventSetup).not.toHaveProperty('description')
      expect(event.data.eventSetup).toMatchObject({ title: valid.eventSetup.title })
    })

    it('stores content problems as a draft and returns them; strict refuses them and writes nothing', async () => {
      const wizard = await newWizard()
      const draft = await mergeStage(deps(), actorOf(user), {
        sessionId: wizard.sessionId,
        stage: 'organizerSetup',
        data: { name: 'Ada', email: 'not-an-email' },
        validate: 'draft',
      })
      expect(draft.data.organizerSetup).toEqual({ name: 'Ada', email: 'not-an-email' })
      expect(draft.version).toBe(2)
      expect(draft.issues.organizerSetup.map((issue) => issue.path).sort()).toEqual(['email', 'organization'])
      expect(draft.progress.stages.organizerSetup).toBe(33)

      const strict = await refusal(
        mergeStage(deps(), actorOf(user), {
          sessionId: wizard.sessionId,
          stage: 'organizerSetup',
          data: { organization: 'Atelier', email: 'still-wrong' },
          validate: 'strict',
        }),
      )
      expect(strict.code).toBe('BAD_REQUEST')
      expect(strict.issues).toEqual([{ path: 'email', message: expect.any(String) }])
      const after = await getWizard(deps(), user.claims, wizard.sessionId)
      expect(after.version).toBe(2)
      expect(after.data.organizerSetup).toEqual({ name: 'Ada', email: 'not-an-email' })
    })

    it('refuses the wrong shape even for a draft: unknown keys, wrong types, server-only stages', async () => {
      const wizard = await newWizard()
      for (const [stage, data] of [
        ['organizerSetup', { name: 'Ada', nickname: 'A' }],
        ['organizerSetup', { name: 42 }],
        ['paymentSetup', { status: 'verified' }],
      ] as const) {
        const error = await refusal(mergeStage(deps(), actorOf(user), { sessionId: wizard.sessionId, stage, data, validate: 'draft' }))
        expect(error.code).toBe('BAD_REQUEST')
        expect(error.issues.length).toBeGreaterThan(0)
      }
      expect((await getWizard(deps(), user.claims, wizard.sessionId)).version).toBe(1)
    })

    it('refuses a stage not reached yet, and a stale expected version', async () => {
      const wizard = await newWizard()
      const locked = await refusal(
        mergeStage(deps(), actorOf(user), { sessionId: wizard.sessionId, stage: 'ticketSetup', data: { totalCapacity: 10 }, validate: 'draft' }),
      )
      expect(locked.code).toBe('PRECONDITION_FAILED')
      const stale = await refusal(
        mergeStage(deps(), actorOf(user), {
          sessionId: wizard.sessionId,
          stage: 'organizerSetup',
          data: { name: 'Ada' },
          expectedVersion: 7,
          validate: 'draft',
        }),
      )
      expect(stale.code).toBe('CONFLICT')
    })

    it('takes tickets out of the completed stages when a smaller venue no longer holds them', async () => {
      const wizard = await newWizard()
      const id = wizard.sessionId
      const atSponsors = await fillThrough(deps(), actorOf(user), id, 'sponsorsMedia')
      expect(atSponsors?.completedStages).toEqual(['organizerSetup', 'eventSetup', 'venueSetup', 'ticketSetup', 'paymentSetup'])
      await transitionStage(deps(), actorOf(user), { sessionId: id, from: 'sponsorsMedia', to: 'venueSetup' })
      const venue = validStageData(clock.now()).venueSetup.venue!
      const smaller = await mergeStage(deps(), actorOf(user), {
        sessionId: id,
        stage: 'venueSetup',
        data: { venue: { ...venue, capacity: 100 } },
        validate: 'strict',
      })
      expect(smaller.completedStages).toEqual(['organizerSetup', 'eventSetup', 'venueSetup', 'paymentSetup'])
      expect(smaller.issues.ticketSetup.length).toBeGreaterThan(0)
      expect(smaller.progress.stages.ticketSetup).toBeLessThan(100)
      // …so the stages after it cannot be reached until the tickets fit again.
      const jump = await refusal(transitionStage(deps(), actorOf(user), { sessionId: id, from: 'venueSetup', to: 'sponsorsMedia' }))
      expect(jump.code).toBe('PRECONDITION_FAILED')
      expect(jump.issues.some((issue) => issue.path.startsWith('ticketSetup.'))).toBe(true)
    })

    it('slides the expiry with every change, and refuses changes once expired', async () => {
      const wizard = await newWizard()
      clock.advance(6 * DAY)
      const touched = await mergeStage(deps(), actorOf(user), {
        sessionId: wizard.sessionId,
        stage: 'organizerSetup',
        data: { name: 'Ada' },
        validate: 'draft',
      })
      expect(touched.expiresAt.getTime()).toBe(clock.now().getTime() + 7 * DAY)
      clock.advance(7 * DAY + 1000)
      const expired = await refusal(
        mergeStage(deps(), actorOf(user), { sessionId: wizard.sessionId, stage: 'organizerSetup', data: { name: 'Ada' }, validate: 'draft' }),
      )
      expect(expired.code).toBe('PRECONDITION_FAILED')
      expect(expired.message).toMatch(/expired/)
    })
  })

  describe('transitions', () => {
    it('moves forward only from a stage that validates, back to any earlier stage, and forward again to reached ones', async () => {
      const wizard = await newWizard()
      const id = wizard.sessionId
      const incomplete = await refusal(transitionStage(deps(), actorOf(user), { sessionId: id, from: 'organizerSetup', to: 'eventSetup' }))
      expect(incomplete.code).toBe('PRECONDITION_FAILED')
      expect(incomplete.issues.map((issue) => issue.path).sort()).toEqual(['organizerSetup.email', 'organizerSetup.name', 'organizerSetup.organization'])

      await fillThrough(deps(), actorOf(user), id, 'ticketSetup')
      const skip = await refusal(transitionStage(deps(), actorOf(user), { sessionId: id, from: 'ticketSetup', to: 'sponsorsMedia' }))
      expect(skip.code).toBe('PRECONDITION_FAILED')

      const back = await transitionStage(deps(), actorOf(user), { sessionId: id, from: 'ticketSetup', to: 'organizerSetup' })
      expect(back.currentStage).toBe('organizerSetup')
      expect(back.reachedStages).toEqual(['organizerSetup', 'eventSetup', 'venueSetup'])
      const forward = await transitionStage(deps(), actorOf(user), { sessionId: id, from: 'organizerSetup', to: 'venueSetup' })
      expect(forward.currentStage).toBe('venueSetup')
      // ticketSetup was reached before (as the current stage) but not completed: jumping to it needs venueSetup complete, which it is.
      const toTickets = await transitionStage(deps(), actorOf(user), { sessionId: id, from: 'venueSetup', to: 'ticketSetup' })
      expect(toTickets.currentStage).toBe('ticketSetup')
    })

    it('refuses a stale `from` with CONFLICT', async () => {
      const wizard = await newWizard()
      await fillThrough(deps(), actorOf(user), wizard.sessionId, 'eventSetup')
      const stale = await refusal(transitionStage(deps(), actorOf(user), { sessionId: wizard.sessionId, from: 'organizerSetup', to: 'eventSetup' }))
      expect(stale.code).toBe('CONFLICT')
    })

    it('jumps ahead to a later stage when every stage before it is complete', async () => {
      const wizard = await newWizard()
      const id = wizard.sessionId
      await fillThrough(deps(), actorOf(user), id, 'reviewPublish')
      await transitionStage(deps(), actorOf(user), { sessionId: id, from: 'reviewPublish', to: 'eventSetup' })
      const jumped = await transitionStage(deps(), actorOf(user), { sessionId: id, from: 'eventSetup', to: 'reviewPublish' })
      expect(jumped.currentStage).toBe('reviewPublish')
    })
  })

  describe('publish', () => {
    it('refuses an incomplete wizard, listing what blocks it', async () => {
      const wizard = await newWizard()
      await fillThrough(deps(), actorOf(user), wizard.sessionId, 'venueSetup')
      const error = await refusal(publishWizard(deps(), actorOf(user), wizard.sessionId))
      expect(error.code).toBe('PRECONDITION_FAILED')
      expect(error.issues.some((issue) => issue.path.startsWith('venueSetup.'))).toBe(true)
      expect(error.issues.some((issue) => issue.path.startsWith('ticketSetup.'))).toBe(true)
    })

    it('creates the event, its tiers and a slug, completes the session, and answers a repeat with the same event', async () => {
      const wizard = await newWizard()
      await fillThrough(deps(), actorOf(user), wizard.sessionId, 'reviewPublish')
      const first = await publishWizard(deps(), actorOf(user), wizard.sessionId)
      const again = await publishWizard(deps(), actorOf(user), wizard.sessionId)
      expect(again).toEqual(first)

      const valid = validStageData(clock.now())
      const [event] = await asServiceRole(database.db, (tx) => tx.select().from(schema.events).where(eq(schema.events.id, first.eventId)))
      expect(event).toMatchObject({
        userId: user.id,
        sessionId: wizard.sessionId,
        title: valid.eventSetup.title,
        type: 'fashion_show',
        timezone: 'Europe/Paris',
        venueMode: 'hybrid',
        onlineUrl: 'https://meet.example.com/autumn-show',
        capacity: 300,
        status: 'published',
        paymentEnabled: false,
      })
      expect(event?.slug).toMatch(/^autumn-collection-show(-\d+)?$/)
      expect(event?.venue).not.toHaveProperty('url')
      const tiers = await asServiceRole(database.db, (tx) =>
        tx.select().from(schema.eventTicketTiers).where(eq(schema.eventTicketTiers.eventId, first.eventId)).orderBy(schema.eventTicketTiers.position),
      )
      expect(tiers.map((tier) => [tier.position, tier.name, tier.hidden])).toEqual([
        [0, 'General admission', false],
        [1, 'Press', true],
      ])
      const state = await getWizard(deps(), user.claims, wizard.sessionId)
      expect(state).toMatchObject({ status: 'completed', eventId: first.eventId, completedStages: expect.arrayContaining(['reviewPublish']) })
      expect(state.progress.percentage).toBe(100)

      const change = await refusal(
        mergeStage(deps(), actorOf(user), { sessionId: wizard.sessionId, stage: 'eventSetup', data: { title: 'Renamed' }, validate: 'draft' }),
      )
      expect(change.code).toBe('PRECONDITION_FAILED')
    })

    it('gives a second event with the same title its own slug', async () => {
      const slugs = []
      for (let i = 0; i < 2; i++) {
        const wizard = await newWizard()
        await fillThrough(deps(), actorOf(user), wizard.sessionId, 'reviewPublish')
        await mergeStage(deps(), actorOf(user), { sessionId: wizard.sessionId, stage: 'eventSetup', data: { title: 'Pop-up: Café Été!' }, validate: 'strict' })
        slugs.push((await publishWizard(deps(), actorOf(user), wizard.sessionId)).slug)
      }
      expect(slugs).toEqual(['pop-up-cafe-ete', 'pop-up-cafe-ete-2'])
    })

    it('refuses paid tiers until payments are verified', async () => {
      const wizard = await newWizard()
      await fillThrough(deps(), actorOf(user), wizard.sessionId, 'ticketSetup')
      const tiers = validStageData(clock.now()).ticketSetup.tiers.map((tier) => ({ ...tier, price: 2500 }))
      await mergeStage(deps(), actorOf(user), { sessionId: wizard.sessionId, stage: 'ticketSetup', data: { tiers }, validate: 'strict' })
      const stuck = await refusal(transitionStage(deps(), actorOf(user), { sessionId: wizard.sessionId, from: 'ticketSetup', to: 'sponsorsMedia' }))
      expect(stuck.code).toBe('PRECONDITION_FAILED')
      expect(stuck.issues.map((issue) => issue.path)).toContain('paymentSetup.status')
      const state = await getWizard(deps(), user.claims, wizard.sessionId)
      expect(state.paymentStatus).toBe('not_connected')
    })

    it('shows the public page without the meeting URL, and not after unpublishing', async () => {
      const wizard = await newWizard()
      await fillThrough(deps(), actorOf(user), wizard.sessionId, 'reviewPublish')
      const { slug, eventId } = await publishWizard(deps(), actorOf(user), wizard.sessionId)
      const page = await eventBySlug(deps(), slug)
      expect(page).toMatchObject({ title: 'Autumn Collection Show', venueMode: 'hybrid' })
      expect(JSON.stringify(page)).not.toContain('meet.example.com')
      expect(page.tiers.map((tier) => tier.name)).toEqual(['General admission'])

      const stranger = await createUser(database.db)
      expect((await refusal(unpublishEvent(deps(), actorOf(stranger), eventId))).code).toBe('NOT_FOUND')
      await unpublishEvent(deps(), actorOf(user), eventId)
      expect((await refusal(eventBySlug(deps(), slug))).code).toBe('NOT_FOUND')
    })
  })

  describe('abandon', () => {
    it('abandons once, refuses later changes, and is idempotent', async () => {
      const wizard = await newWizard()
      expect((await abandonWizard(deps(), actorOf(user), wizard.sessionId)).status).toBe('abandoned')
      expect((await abandonWizard(deps(), actorOf(user), wizard.sessionId)).status).toBe('abandoned')
      const change = await refusal(
        mergeStage(deps(), actorOf(user), { sessionId: wizard.sessionId, stage: 'organizerSetup', data: { name: 'Ada' }, validate: 'draft' }),
      )
      expect(change.code).toBe('PRECONDITION_FAILED')
    })
  })

  describe('audit', () => {
    it('records every merge, transition, publish and abandon, failures included, with source and duration', async () => {
      const wizard = await newWizard()
      const id = wizard.sessionId
      await mergeStage(deps(), actorOf(user, { source: 'form' }), { sessionId: id, stage: 'organizerSetup', data: { name: 'Ada' }, validate: 'draft' })
      await refusal(
        mergeStage(deps(), actorOf(user, { source: 'copilot' }), { sessionId: id, stage: 'organizerSetup', data: { email: 'x' }, validate: 'strict' }),
      )
      await refusal(transitionStage(deps(), actorOf(user), { sessionId: id, from: 'eventSetup', to: 'venueSetup' }))
      await abandonWizard(deps(), actorOf(user), id)
      const actions = await actionsOf(id)
      expect(actions.map((a) => [a.actionName, a.source, a.result])).toEqual([
        ['merge', 'form', 'succeeded'],
        ['merge', 'copilot', 'failed'],
        ['transition', 'api', 'failed'],
        ['abandon', 'api', 'succeeded'],
      ])
      expect(actions[1]?.errorMessage).toBe('Some fields need attention.')
      expect(actions[2]?.errorMessage).toMatch(/This wizard is at organizerSetup now/)
      for (const action of actions) {
        expect(action.userId).toBe(user.id)
        expect(action.durationMs).toBeGreaterThanOrEqual(0)
      }
    })

    it('acts once per idempotency key: a repeat returns the current state without acting again', async () => {
      const wizard = await newWizard()
      const actor = actorOf(user, { idempotencyKey: `merge-${wizard.sessionId}` })
      const input = { sessionId: wizard.sessionId, stage: 'organizerSetup' as const, data: { name: 'Ada' }, validate: 'draft' as const }
      const first = await mergeStage(deps(), actor, input)
      const repeat = await mergeStage(deps(), actor, input)
      expect(repeat.version).toBe(first.version)
      const rows = await asServiceRole(database.db, (tx) =>
        tx
          .select()
          .from(schema.wizardActions)
          .where(and(eq(schema.wizardActions.sessionId, wizard.sessionId), eq(schema.wizardActions.actionName, 'merge'))),
      )
      expect(rows).toHaveLength(1)
      expect(rows[0]?.idempotencyKey).toBe(`merge-${wizard.sessionId}`)
    })

    it('refuses a reused idempotency key with a different request (422, as Stripe does), and still replays the same one', async () => {
      const wizard = await newWizard()
      const key = `reused-${wizard.sessionId}`
      const actor = actorOf(user, { idempotencyKey: key })
      const input = { sessionId: wizard.sessionId, stage: 'organizerSetup' as const, data: { name: 'Ada', organization: 'Maison' }, validate: 'draft' as const }
      const first = await mergeStage(deps(), actor, input)

      const differentRequests = [
        () => mergeStage(deps(), actor, { ...input, data: { name: 'Grace', organization: 'Maison' } }),
        () => mergeStage(deps(), actor, { ...input, validate: 'strict' }),
        () => mergeStage(deps(), actor, { ...input, expectedVersion: first.version }),
        () => transitionStage(deps(), actor, { sessionId: wizard.sessionId, from: 'organizerSetup', to: 'eventSetup' }),
        () => abandonWizard(deps(), actor, wizard.sessionId),
      ]
      for (const request of differentRequests) {
        const refused = await refusal(request())
        expect(refused.code).toBe('UNPROCESSABLE_CONTENT')
        expect(refused.message).toBe('This Idempotency-Key was already used for a different request. Send a new key with a new request.')
      }
      // The same request, its keys in another order (jsonb keeps its own order), is a replay.
      const repeat = await mergeStage(deps(), actor, { ...input, data: { organization: 'Maison', name: 'Ada' } })
      expect(repeat.version).toBe(first.version)
      const after = await getWizard(deps(), user.claims, wizard.sessionId)
      expect(after).toMatchObject({ version: first.version, status: 'in_progress', currentStage: 'organizerSetup' })
      expect(after.data.organizerSetup).toEqual({ name: 'Ada', organization: 'Maison' })
    })
  })
})
