import { and, eq } from 'drizzle-orm'
import { expect, it } from 'vitest'
import { asServiceRole } from '../../db/rls'
import * as schema from '../../db/schema'
import { type StageId, stageIds } from '../../server/wizard/stages'
import { describeEachDatabase } from '../support/databases'
import { fillThroughApi, signUp } from '../support/organizers'
import { apiClient, failureOf, useTestServer } from '../support/server'
import { validStageData } from '../support/wizard-fixtures'

const ONLINE_URL = validStageData(new Date()).venueSetup.online!.url

/*
 * The wizard as a developer drives it: the typed @trpc/client over HTTP, against the real Express app
 * and the production build, with a bearer token from `auth.signUp`. The server runs on the real clock.
 */
describeEachDatabase('the wizard through the typed API', (kind) => {
  const { server, database } = useTestServer(kind)

  const actionsOf = (sessionId: string) =>
    asServiceRole(database.db, (tx) =>
      tx.select().from(schema.wizardActions).where(eq(schema.wizardActions.sessionId, sessionId)).orderBy(schema.wizardActions.createdAt),
    )

  /** The public page's raw response body, as anyone (no token) gets it. */
  const rawPublicPage = (slug: string) => fetch(`${server.url}/api/trpc/events.bySlug?input=${encodeURIComponent(JSON.stringify({ json: { slug } }))}`)

  it('takes a wizard from sign-up to a published event, a public page without the meeting URL, and back off', async () => {
    const organizer = await signUp(server, 'organizer')
    const created = await organizer.api.wizard.create.mutate({})
    expect(created).toMatchObject({ currentStage: 'organizerSetup', status: 'in_progress', version: 1, completedStages: [] })
    const sessionId = created.sessionId

    const state = await fillThroughApi(organizer.api, sessionId, 'reviewPublish')
    expect(state).toMatchObject({ currentStage: 'reviewPublish', status: 'in_progress' })
    expect(state.completedStages).toEqual(stageIds.filter((stage) => stage !== 'reviewPublish'))

    const published = await organizer.api.wizard.publish.mutate({ sessionId })
    expect(published).toEqual({ eventId: expect.any(String), slug: expect.stringMatching(/^autumn-collection-show/), sessionId })
    const done = await organizer.api.wizard.get.query({ sessionId })
    expect(done).toMatchObject({ status: 'completed', eventId: published.eventId })
    expect(done.progress.percentage).toBe(100)

    // Anyone, without a token: the public page, never the meeting URL (neither typed nor on the wire).
    const page = await apiClient(server.url).events.bySlug.query({ slug: published.slug })
    expect(page).toMatchObject({ id: published.eventId, title: 'Autumn Collection Show', venueMode: 'hybrid', status: 'published' })
    expect(page.tiers.map((tier) => tier.name)).toEqual(['General admission'])
    expect(JSON.stringify(page)).not.toContain(ONLINE_URL)
    const raw = await rawPublicPage(published.slug)
    expect(raw.status).toBe(200)
    const rawText = await raw.text()
    expect(rawText).toContain(published.eventId)
    expect(rawText).not.toContain(ONLINE_URL)
    expect(rawText).not.toContain('meet.example.com')

    const mine = await organizer.api.events.mine.query()
    expect(mine.map((event) => event.id)).toContain(published.eventId)

    expect(await organizer.api.events.unpublish.mutate({ eventId: published.eventId })).toEqual({ id: published.eventId, status: 'unpublished' })
    const gone = await failureOf(apiClient(server.url).events.bySlug.query({ slug: published.slug }))
    expect(gone.data?.code).toBe('NOT_FOUND')
    expect((await rawPublicPage(published.slug)).status).toBe(404)
  })

  it('answers with the documented error shapes: field issues, CONFLICT for a stale `from`, stage-prefixed blockers', async () => {
    const organizer = await signUp(server, 'shapes')
    const { sessionId } = await organizer.api.wizard.create.mutate({ fresh: true })
    const valid = validStageData(new Date())

    const early = await failureOf(organizer.api.wizard.publish.mutate({ sessionId }))
    expect(early.data?.code).toBe('PRECONDITION_FAILED')
    expect(early.data?.httpStatus).toBe(412)
    const blockers = early.data?.issues ?? []
    expect(blockers.length).toBeGreaterThan(0)
    for (const issue of blockers) {
      expect(issue).toEqual({ path: expect.any(String), message: expect.any(String) })
      // A field of a stage (`eventSetup.title`), or a whole stage (`sponsorsMedia`), never a dangling dot.
      expect(issue.path).toMatch(new RegExp(`^(${stageIds.join('|')})(\\.[\\w.]+)?$`))
    }
    expect(blockers).toContainEqual({ path: 'sponsorsMedia', message: 'Save this stage or skip it.' })
    expect(blockers.map((issue) => issue.path)).toContain('organizerSetup.email')
    expect([...new Set(blockers.map((issue) => issue.path.split('.')[0]))]).toEqual([
      'organizerSetup',
      'eventSetup',
      'venueSetup',
      'ticketSetup',
      'sponsorsMedia',
    ])

    const bad = await failureOf(
      organizer.api.wizard.merge.mutate({
        sessionId,
        stage: 'organizerSetup',
        data: { ...valid.organizerSetup, email: 'not-an-email' },
        validate: 'strict',
      }),
    )
    expect(bad.data?.code).toBe('BAD_REQUEST')
    expect(bad.data?.httpStatus).toBe(400)
    expect(bad.data?.issues).toEqual([{ path: 'email', message: expect.any(String) }])
    // Strict wrote nothing.
    expect((await organizer.api.wizard.get.query({ sessionId })).version).toBe(1)

    // Wrong input shape is refused by the procedure's own schema, with Zod's paths.
    const badInput = await failureOf(organizer.api.wizard.merge.mutate({ sessionId, stage: 'nowhere' as StageId, data: {}, validate: 'strict' }))
    expect(badInput.data?.code).toBe('BAD_REQUEST')
    expect(badInput.data?.issues).toEqual([{ path: 'stage', message: expect.any(String) }])

    await fillThroughApi(organizer.api, sessionId, 'eventSetup')
    const stale = await failureOf(organizer.api.wizard.transition.mutate({ sessionId, from: 'organizerSetup', to: 'eventSetup' }))
    expect(stale.data?.code).toBe('CONFLICT')
    expect(stale.data?.httpStatus).toBe(409)
  })

  it("gives another account NOT_FOUND for every procedure on someone else's session or event, and changes nothing", async () => {
    const owner = await signUp(server, 'owner')
    const stranger = await signUp(server, 'stranger')

    // An event the owner published, and a second wizard of theirs, complete and ready to publish.
    const { sessionId: publishedSession } = await owner.api.wizard.create.mutate({ fresh: true })
    await fillThroughApi(owner.api, publishedSession, 'reviewPublish')
    const event = await owner.api.wizard.publish.mutate({ sessionId: publishedSession })
    const { sessionId } = await owner.api.wizard.create.mutate({ fresh: true })
    await fillThroughApi(owner.api, sessionId, 'reviewPublish')

    const snapshot = async () => {
      const { version, data, status, currentStage, completedStages, eventId } = await owner.api.wizard.get.query({ sessionId })
      return { version, data, status, currentStage, completedStages, eventId }
    }
    const before = await snapshot()
    const publishedBefore = await owner.api.wizard.get.query({ sessionId: publishedSession })
    const [tier] = (await apiClient(server.url).events.bySlug.query({ slug: event.slug })).tiers
    const order = await apiClient(server.url).orders.place.mutate({
      eventId: event.eventId,
      items: [{ tierId: tier!.id, quantity: tier!.minPerOrder ?? 1 }],
      buyer: { name: 'Ada', email: 'ada@example.test' },
    })

    const attempts: [string, () => Promise<unknown>][] = [
      ['wizard.get', () => stranger.api.wizard.get.query({ sessionId })],
      ['wizard.merge', () => stranger.api.wizard.merge.mutate({ sessionId, stage: 'eventSetup', data: { title: 'Hijacked show' }, validate: 'draft' })],
      ['wizard.transition', () => stranger.api.wizard.transition.mutate({ sessionId, from: 'reviewPublish', to: 'organizerSetup' })],
      ['wizard.publish', () => stranger.api.wizard.publish.mutate({ sessionId })],
      ['wizard.abandon', () => stranger.api.wizard.abandon.mutate({ sessionId })],
      ['wizard.get (published)', () => stranger.api.wizard.get.query({ sessionId: publishedSession })],
      ['wizard.abandon (published)', () => stranger.api.wizard.abandon.mutate({ sessionId: publishedSession })],
      ['events.unpublish', () => stranger.api.events.unpublish.mutate({ eventId: event.eventId })],
      ['tickets.checkIn', () => stranger.api.tickets.checkIn.mutate({ eventId: event.eventId, code: 'ABCDEFGHJKLMNPQR' })],
      ['orders.get', () => stranger.api.orders.get.query({ orderId: order.orderId })],
      ['orders.checkout', () => stranger.api.orders.checkout.query({ orderId: order.orderId })],
      ['orders.refund', () => stranger.api.orders.refund.mutate({ orderId: order.orderId })],
      ['events.sales', () => stranger.api.events.sales.query({ eventId: event.eventId })],
      ['events.attendees', () => stranger.api.events.attendees.query({ eventId: event.eventId })],
    ]
    for (const [name, attempt] of attempts) {
      const error = await failureOf(attempt())
      expect({ name, code: error.data?.code, httpStatus: error.data?.httpStatus }).toEqual({ name, code: 'NOT_FOUND', httpStatus: 404 })
    }

    expect(await snapshot()).toEqual(before)
    expect(before).toMatchObject({ status: 'in_progress', currentStage: 'reviewPublish', eventId: null })
    expect(await owner.api.wizard.get.query({ sessionId: publishedSession })).toEqual(publishedBefore)
    // No event was published from the owner's second wizard, and the first is still public.
    expect((await owner.api.events.mine.query()).map((mine) => mine.id)).toEqual([event.eventId])
    expect(await apiClient(server.url).events.bySlug.query({ slug: event.slug })).toMatchObject({ id: event.eventId, status: 'published' })
    expect((await stranger.api.events.mine.query()).map((mine) => mine.id)).not.toContain(event.eventId)
  })

  it('acts once per Idempotency-Key header, and refuses an invalid key', async () => {
    const organizer = await signUp(server, 'idempotent')
    const { sessionId } = await organizer.api.wizard.create.mutate({ fresh: true })
    const key = `merge-${sessionId}`
    const keyed = apiClient(server.url, organizer.token, { 'idempotency-key': key })
    const input = { sessionId, stage: 'organizerSetup' as const, data: { name: 'Ada Martin' }, validate: 'draft' as const }

    const first = await keyed.wizard.merge.mutate(input)
    expect(first.version).toBe(2)
    const repeat = await keyed.wizard.merge.mutate(input)
    expect(repeat.version).toBe(first.version)
    expect(repeat.data).toEqual(first.data)
    expect((await organizer.api.wizard.get.query({ sessionId })).version).toBe(2)
    // The key again with another body: refused as Stripe refuses it, rather than "done" with nothing done.
    const reused = await failureOf(keyed.wizard.merge.mutate({ ...input, data: { name: 'Grace Hopper' } }))
    expect(reused.data?.httpStatus).toBe(422)
    expect(reused.message).toBe('This Idempotency-Key was already used for a different request. Send a new key with a new request.')
    expect((await organizer.api.wizard.get.query({ sessionId })).data.organizerSetup).toEqual({ name: 'Ada Martin' })

    const withKey = await asServiceRole(database.db, (tx) =>
      tx
        .select()
        .from(schema.wizardActions)
        .where(and(eq(schema.wizardActions.userId, organizer.id), eq(schema.wizardActions.idempotencyKey, key))),
    )
    expect(withKey).toHaveLength(1)
    expect(withKey[0]).toMatchObject({ sessionId, actionName: 'merge', result: 'succeeded', source: 'api' })
    expect((await actionsOf(sessionId)).filter((action) => action.actionName === 'merge')).toHaveLength(1)

    // Without the key, the same change is a new action.
    expect((await organizer.api.wizard.merge.mutate(input)).version).toBe(3)

    for (const invalid of ['k'.repeat(300), 'has spaces in it']) {
      const refused = await failureOf(
        apiClient(server.url, organizer.token, { 'idempotency-key': invalid }).wizard.merge.mutate({ ...input, data: { name: 'Someone else' } }),
      )
      expect(refused.data?.code).toBe('BAD_REQUEST')
    }
    const after = await organizer.api.wizard.get.query({ sessionId })
    expect(after.version).toBe(3)
    expect(after.data.organizerSetup).toEqual({ name: 'Ada Martin' })
  })

  it('records every call through /api/trpc in the audit with source `api`, failures included', async () => {
    const organizer = await signUp(server, 'audited')
    const { sessionId } = await organizer.api.wizard.create.mutate({ fresh: true })
    const valid = validStageData(new Date())
    await organizer.api.wizard.merge.mutate({ sessionId, stage: 'organizerSetup', data: valid.organizerSetup, validate: 'strict' })
    await failureOf(organizer.api.wizard.transition.mutate({ sessionId, from: 'eventSetup', to: 'venueSetup' }))
    await organizer.api.wizard.transition.mutate({ sessionId, from: 'organizerSetup', to: 'eventSetup' })
    await organizer.api.wizard.abandon.mutate({ sessionId })

    const actions = await actionsOf(sessionId)
    expect(actions.map((action) => [action.actionName, action.source, action.result])).toEqual([
      ['merge', 'api', 'succeeded'],
      ['transition', 'api', 'failed'],
      ['transition', 'api', 'succeeded'],
      ['abandon', 'api', 'succeeded'],
    ])
    for (const action of actions) expect(action.userId).toBe(organizer.id)
  })
})
