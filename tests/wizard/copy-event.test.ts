import { expect, it } from 'vitest'
import { describeEachDatabase } from '../support/databases'
import { fillThroughApi, signUp } from '../support/organizers'
import { failureOf, useTestServer } from '../support/server'
import { validStageData } from '../support/wizard-fixtures'

/*
 * "Duplicate": `wizard.create({ copyFromEventId })` starts a wizard prefilled from a published event —
 * everything but its dates and the tiers' sales windows — in the event's organization, waiting on the
 * Event stage; the original and its wizard are untouched; only the event's people may copy it.
 */
describeEachDatabase('copying an event into a new wizard', (kind) => {
  const { server } = useTestServer(kind)

  async function publishedEvent(organizer: Awaited<ReturnType<typeof signUp>>, organizationId?: string) {
    const { sessionId } = await organizer.api.wizard.create.mutate({ fresh: true, ...(organizationId ? { organizationId } : {}) })
    await fillThroughApi(organizer.api, sessionId, 'reviewPublish')
    return organizer.api.wizard.publish.mutate({ sessionId })
  }

  it('prefills every stage but the dates and sales windows, and waits on the Event stage', async () => {
    const organizer = await signUp(server, 'organizer')
    const original = await publishedEvent(organizer)
    const before = await organizer.api.wizard.get.query({ sessionId: original.sessionId })

    const copy = await organizer.api.wizard.create.mutate({ copyFromEventId: original.eventId })
    expect(copy.sessionId).not.toBe(original.sessionId)
    expect(copy).toMatchObject({ status: 'in_progress', currentStage: 'eventSetup', completedStages: ['organizerSetup'], eventId: null, organizationId: null })
    const source = before.data
    expect(copy.data.organizerSetup).toEqual(source.organizerSetup)
    const { date: _date, startTime: _start, endDate: _endDate, endTime: _end, ...undated } = source.eventSetup as Record<string, unknown>
    expect(copy.data.eventSetup).toEqual(undated)
    expect(copy.data.eventSetup).toMatchObject({ title: 'Autumn Collection Show', timezone: 'Europe/Paris' })
    expect(copy.data.venueSetup).toEqual(source.venueSetup)
    expect(copy.data.sponsorsMedia).toEqual(source.sponsorsMedia)
    const tiers = (copy.data.ticketSetup as { tiers: Record<string, unknown>[] }).tiers
    expect(tiers.map((tier) => tier.name)).toEqual((source.ticketSetup as { tiers: { name: string }[] }).tiers.map((tier) => tier.name))
    expect(tiers.every((tier) => !('salesStart' in tier) && !('salesEnd' in tier))).toBe(true)
    // What is missing is said where it is: the dates.
    expect(copy.issues.eventSetup.map((issue) => issue.path).sort()).toEqual(['date', 'startTime'])
    expect(copy.progress.percentage).toBeGreaterThan(0)
    expect(copy.progress.percentage).toBeLessThan(100)

    // The new dates, then on to publishing a second event; the first one is as it was.
    const next = validStageData(new Date())
    await organizer.api.wizard.merge.mutate({
      sessionId: copy.sessionId,
      stage: 'eventSetup',
      data: { date: next.eventSetup.date, startTime: next.eventSetup.startTime, endTime: next.eventSetup.endTime },
      validate: 'strict',
    })
    // Every later stage came filled in: the organizer only moves on.
    for (const [from, to] of [
      ['eventSetup', 'venueSetup'],
      ['venueSetup', 'ticketSetup'],
      ['ticketSetup', 'paymentSetup'],
      ['paymentSetup', 'sponsorsMedia'],
      ['sponsorsMedia', 'reviewPublish'],
    ] as const) {
      await organizer.api.wizard.transition.mutate({ sessionId: copy.sessionId, from, to })
    }
    const second = await organizer.api.wizard.publish.mutate({ sessionId: copy.sessionId })
    expect(second.eventId).not.toBe(original.eventId)
    expect(second.slug).not.toBe(original.slug)
    expect((await organizer.api.wizard.get.query({ sessionId: original.sessionId })).data).toEqual(before.data)
  })

  it("copies into the event's organization for its members; anyone else sees nothing; bad input names the field", async () => {
    const owner = await signUp(server, 'owner')
    const { id: organizationId } = await owner.api.orgs.create.mutate({ name: 'Maison Copie' })
    const original = await publishedEvent(owner, organizationId)
    const stranger = await signUp(server, 'stranger')

    expect((await owner.api.wizard.create.mutate({ copyFromEventId: original.eventId })).organizationId).toBe(organizationId)
    expect((await failureOf(stranger.api.wizard.create.mutate({ copyFromEventId: original.eventId }))).data?.code).toBe('NOT_FOUND')
    const both = await failureOf(owner.api.wizard.create.mutate({ copyFromEventId: original.eventId, organizationId }))
    expect(both.data?.code).toBe('BAD_REQUEST')
    expect(both.data?.issues).toEqual([{ path: 'organizationId', message: 'A copy or an edit belongs where its event does: leave the organization out.' }])
    const malformed = await failureOf(owner.api.wizard.create.mutate({ copyFromEventId: 'not-an-id' }))
    expect(malformed.data?.issues).toEqual([{ path: 'copyFromEventId', message: 'Give the id of one of your events.' }])
  })
})
