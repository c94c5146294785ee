import { describe, expect, it } from 'vitest'
import { overallProgress, requiredFields, stageProgress, wizardProgress } from '../../server/wizard/progress'
import { type StageId, stageIds } from '../../server/wizard/stages'
import { type StageContext, stageIssues } from '../../server/wizard/validation'
import { validContext, validStageData } from '../support/wizard-fixtures'

const NOW = new Date('2030-06-01T10:00:00Z')
const empty: StageContext = { now: NOW, data: {}, paymentStatus: 'not_required', published: false }
const withData = (data: StageContext['data']): StageContext => ({ ...empty, data })
const progressOf = (stage: StageId, context: StageContext) => stageProgress(stage, context, stageIssues(stage, context))

describe('requiredFields', () => {
  it('reads the required keys from the schemas', () => {
    expect(requiredFields('organizerSetup', empty)).toEqual(['name', 'organization', 'email'])
    expect(requiredFields('eventSetup', empty)).toEqual(['title', 'type', 'date', 'startTime', 'timezone'])
    expect(requiredFields('ticketSetup', empty)).toEqual(['tiers'])
  })

  it('lets the venue mode decide between venue and online', () => {
    expect(requiredFields('venueSetup', empty)).toEqual(['mode'])
    expect(requiredFields('venueSetup', withData({ venueSetup: { mode: 'physical' } }))).toEqual(['mode', 'venue'])
    expect(requiredFields('venueSetup', withData({ venueSetup: { mode: 'virtual' } }))).toEqual(['mode', 'online'])
    expect(requiredFields('venueSetup', withData({ venueSetup: { mode: 'hybrid' } }))).toEqual(['mode', 'venue', 'online'])
  })
})

describe('stageProgress', () => {
  it.each([
    ['organizerSetup', {}, 0],
    ['organizerSetup', { name: 'Ada' }, 33],
    ['organizerSetup', { name: 'Ada', organization: 'Atelier', email: 'not an e-mail' }, 67],
    ['organizerSetup', { name: 'Ada', organization: 'Atelier', email: 'ada@example.com' }, 100],
    ['eventSetup', {}, 0],
    ['eventSetup', { title: 'Autumn show', type: 'popup' }, 40],
    ['eventSetup', { title: 'Autumn show', type: 'popup', date: '2030-05-01', startTime: '19:00', timezone: 'Europe/Paris' }, 80], // date in the past
    ['eventSetup', { title: 'Autumn show', type: 'popup', date: '2030-09-01', startTime: '19:00', timezone: 'Europe/Paris', endTime: '19:00' }, 99], // an optional field wrong
    ['eventSetup', { title: 'Autumn show', type: 'popup', date: '2030-09-01', startTime: '19:00', timezone: 'Europe/Paris' }, 100],
    ['venueSetup', {}, 0],
    ['venueSetup', { mode: 'physical' }, 50],
    ['venueSetup', { mode: 'hybrid', online: { url: 'https://meet.example.com/x' } }, 67],
    ['venueSetup', { mode: 'virtual', online: { url: 'https://meet.example.com/x' } }, 100],
    ['ticketSetup', {}, 0],
    ['ticketSetup', { tiers: [{ name: 'General', price: 0, currency: 'EUR', quantity: 10 }, { name: 'VIP' }] }, 0], // one tier wrong: tiers wrong
    ['ticketSetup', { tiers: [{ name: 'General', price: 0, currency: 'EUR', quantity: 10 }], totalCapacity: 5 }, 99],
    ['ticketSetup', { tiers: [{ name: 'General', price: 0, currency: 'EUR', quantity: 10 }] }, 100],
    ['sponsorsMedia', undefined, 0],
    ['sponsorsMedia', { coverImageUrl: 'http://x.example' }, 0],
    ['sponsorsMedia', { skipped: true }, 100],
    ['sponsorsMedia', {}, 100],
  ] as const)('%s %j → %i', (stage, data, expected) => {
    expect(progressOf(stage, withData({ [stage]: data }))).toBe(expected)
  })

  it('gives payments and the review all or nothing', () => {
    expect(progressOf('paymentSetup', empty)).toBe(100)
    expect(progressOf('paymentSetup', { ...empty, paymentStatus: 'pending' })).toBe(0)
    expect(progressOf('reviewPublish', empty)).toBe(0)
    expect(progressOf('reviewPublish', { ...empty, published: true })).toBe(100)
  })

  it('counts nothing when the stage as a whole is wrong', () => {
    expect(stageProgress('eventSetup', empty, [{ path: '', message: "Send this stage's fields as an object." }])).toBe(0)
  })
})

describe('overallProgress', () => {
  const all = (value: number) => Object.fromEntries(stageIds.map((stage) => [stage, value])) as Record<StageId, number>

  it('weighs the stages with the weights of stages.ts', () => {
    expect(overallProgress(all(0))).toBe(0)
    expect(overallProgress(all(100))).toBe(100)
    expect(overallProgress({ ...all(0), eventSetup: 100 })).toBe(20)
    expect(overallProgress({ ...all(0), organizerSetup: 33 })).toBe(3) // 3.3
    expect(overallProgress({ ...all(0), organizerSetup: 67, eventSetup: 40 })).toBe(15) // 6.7 + 8
  })
})

describe('wizardProgress', () => {
  it('is at 0% for an untouched wizard: payment counts only once there are tickets to sell', () => {
    const progress = wizardProgress(empty)
    expect(progress.details).toEqual({
      organizerSetup: 0,
      eventSetup: 0,
      venueSetup: 0,
      ticketSetup: 0,
      paymentSetup: 0,
      sponsorsMedia: 0,
      reviewPublish: 0,
    })
    expect(progress.percentage).toBe(0)
    expect(progress.completed).toEqual(['paymentSetup'])
    expect(progress.issues.eventSetup).toHaveLength(5)
  })

  it('adds up a partly filled wizard', () => {
    const data = validStageData(NOW)
    const progress = wizardProgress(
      withData({
        organizerSetup: data.organizerSetup,
        eventSetup: { title: 'Autumn show', type: 'popup' },
        venueSetup: { mode: 'physical' },
      }),
    )
    expect(progress.details).toMatchObject({ organizerSetup: 100, eventSetup: 40, venueSetup: 50, ticketSetup: 0, paymentSetup: 0 })
    expect(progress.percentage).toBe(26) // 10 + 20·0.4 + 15·0.5 = 25.5, rounded
  })

  it('is complete but for publishing with every stage valid, and 100 once published', () => {
    const context = validContext(NOW)
    const progress = wizardProgress(context)
    expect(progress.completed).toEqual(stageIds.filter((stage) => stage !== 'reviewPublish'))
    expect(progress.percentage).toBe(90)
    expect(wizardProgress({ ...context, published: true })).toMatchObject({ percentage: 100, completed: stageIds })
  })

  it('takes the payment stage away when a paid tier has no verified account', () => {
    const progress = wizardProgress(validContext(NOW, { paymentStatus: 'not_connected' }))
    expect(progress.details.paymentSetup).toBe(0)
    expect(progress.percentage).toBe(75)
    expect(progress.issues.paymentSetup).toEqual([{ path: 'status', message: 'Paid tickets need a connected Stripe account with charges enabled.' }])
  })

  it('reports the same issues for an empty stage every time, whatever a caller did with the last ones', () => {
    const first = wizardProgress(empty).issues
    const expected = structuredClone(first)
    for (const stage of stageIds) first[stage].splice(0, first[stage].length, { path: 'x', message: 'changed by a caller' })
    expect(wizardProgress(empty).issues).toEqual(expected)
    // `{}` (a form that posted nothing) and no data at all are the same empty stage.
    const blank = withData({ organizerSetup: {}, eventSetup: {}, venueSetup: {}, ticketSetup: {} })
    expect(wizardProgress(blank).issues).toEqual(expected)
    expect(expected.eventSetup).toHaveLength(5)
  })
})
