import { describe, expect, it } from 'vitest'
import { type StageId, stageIds } from '../../server/wizard/stages'
import { paymentStatusFor, shapeIssues, stageIssues } from '../../server/wizard/validation'
import { validContext, validStageData } from '../support/wizard-fixtures'

const NOW = new Date('2030-06-01T10:00:00Z')
const valid = () => validStageData(NOW)

describe('shapeIssues', () => {
  it('finds nothing in valid data, or in an empty draft of any stage', () => {
    const data = valid()
    for (const stage of ['organizerSetup', 'eventSetup', 'venueSetup', 'ticketSetup', 'sponsorsMedia'] as const) {
      expect(shapeIssues(stage, data[stage])).toEqual([])
    }
    for (const stage of stageIds) expect(shapeIssues(stage, {})).toEqual([])
  })

  it.each([null, undefined, 'title', 42, [], [{ title: 'x' }]])('refuses %j as a stage', (data) => {
    expect(shapeIssues('eventSetup', data)).toEqual([{ path: '', message: "Send this stage's fields as an object." }])
  })

  it.each([
    ['an unknown key', { ...valid().eventSetup, venue: 'Paris' }, [{ path: 'venue', message: 'Unknown field "venue".' }]],
    ['text where a choice goes', { type: 3 }, [{ path: 'type', message: 'Choose fashion_show, popup, exhibition, launch or other.' }]],
    ['a number where text goes', { title: 2030 }, [{ path: 'title', message: 'Use text.' }]],
    ['null where text goes', { title: null }, [{ path: 'title', message: 'Use text.' }]],
    ['a huge string', { description: 'x'.repeat(10_001) }, [{ path: 'description', message: 'Use at most 10,000 characters.' }]],
  ])('eventSetup: %s is a shape issue', (_label, data, expected) => {
    expect(shapeIssues('eventSetup', data)).toEqual(expected)
  })

  it('finds unknown keys and wrong types at any depth', () => {
    const venueSetup = { ...valid().venueSetup, venue: { ...valid().venueSetup.venue, floor: 2, capacity: '300' } }
    expect(shapeIssues('venueSetup', venueSetup)).toEqual([
      { path: 'venue.capacity', message: 'Use a number.' },
      { path: 'venue.floor', message: 'Unknown field "floor".' },
    ])
    const ticketSetup = { tiers: [{ ...valid().ticketSetup.tiers[0], price: '10', vat: 20 }, 'Press'] }
    expect(shapeIssues('ticketSetup', ticketSetup)).toEqual([
      { path: 'tiers.0.price', message: 'Use a number.' },
      { path: 'tiers.0.vat', message: 'Unknown field "vat".' },
      { path: 'tiers.1', message: "Send each tier's details as an object." },
    ])
  })

  it('limits arrays, strings and the whole stage, even under unknown keys', () => {
    const many = Array.from({ length: 101 }, (_, i) => ({ name: `Sponsor ${i}` }))
    expect(shapeIssues('sponsorsMedia', { sponsors: many })).toEqual([{ path: 'sponsors', message: 'Use at most 100 items.' }])
    expect(shapeIssues('organizerSetup', { notes: { text: 'x'.repeat(10_001) } })).toEqual([
      { path: 'notes.text', message: 'Use at most 10,000 characters.' },
      { path: 'notes', message: 'Unknown field "notes".' },
    ])
    // Every field within its own limits, and still more than 64 KB together.
    const sponsors = Array.from({ length: 30 }, (_, i) => ({ name: `Sponsor ${i}`, url: `https://example.com/${'y'.repeat(2200)}` }))
    expect(JSON.stringify({ sponsors }).length).toBeGreaterThan(64 * 1024)
    expect(shapeIssues('sponsorsMedia', { sponsors })).toEqual([{ path: '', message: 'This stage holds too much data (at most 64 KB).' }])
    // Bytes, not characters: 22,000 three-byte characters are 66,000 bytes.
    expect(shapeIssues('eventSetup', { title: '€'.repeat(10_000), description: '€'.repeat(10_000), endDate: '€'.repeat(2_000) })).toEqual([
      { path: '', message: 'This stage holds too much data (at most 64 KB).' },
    ])
  })

  it('refuses deep nesting without overflowing', () => {
    let deep: unknown = 'x'
    for (let i = 0; i < 10_000; i++) deep = [deep]
    expect(shapeIssues('eventSetup', { title: deep })).toEqual([
      { path: 'title.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0', message: 'This value is nested too deeply.' },
      { path: 'title', message: 'Use text.' },
    ])
  })

  it.each([
    ['a short title', 'eventSetup', { title: 'Ab' }],
    ['a missing field', 'eventSetup', { title: 'Autumn show' }],
    ['an unknown event type word', 'eventSetup', { type: 'concert' }],
    ['a past date', 'eventSetup', { ...valid().eventSetup, date: '2020-01-01' }],
    ['a malformed date', 'eventSetup', { date: '30/08/2030' }],
    ['a bad currency', 'ticketSetup', { tiers: [{ ...valid().ticketSetup.tiers[0], currency: 'eur' }] }],
    ['a price in cents and a half', 'ticketSetup', { tiers: [{ ...valid().ticketSetup.tiers[0], price: 12.5 }] }],
    ['too many tiers', 'ticketSetup', { tiers: Array.from({ length: 21 }, () => ({})) }],
    ['capacities that do not add up', 'ticketSetup', { ...valid().ticketSetup, totalCapacity: 10 }],
    ['an http link', 'sponsorsMedia', { coverImageUrl: 'http://example.com/c.jpg' }],
    ['a venue missing for its mode', 'venueSetup', { mode: 'physical' }],
  ] as const)('%s is content, not shape', (_label, stage, data) => {
    expect(shapeIssues(stage, data)).toEqual([])
  })

  it('refuses a stage that does not exist', () => {
    expect(shapeIssues('venue' as StageId, {})).toEqual([{ path: '', message: 'There is no such stage.' }])
  })

  it('lets only the server fill in payments and nothing fill in the review', () => {
    expect(shapeIssues('paymentSetup', { status: 'verified' })).toEqual([{ path: '', message: 'This stage is filled in by the server.' }])
    expect(shapeIssues('reviewPublish', { publish: true })).toEqual([{ path: '', message: 'Nothing to fill in here.' }])
  })
})

describe('stageIssues', () => {
  it('finds nothing in a valid context, except the stage only publishing completes', () => {
    const context = validContext(NOW)
    for (const stage of stageIds.filter((id) => id !== 'reviewPublish')) expect(stageIssues(stage, context)).toEqual([])
    expect(stageIssues('reviewPublish', context)).toEqual([{ path: '', message: 'Publish the event to finish.' }])
    expect(stageIssues('reviewPublish', { ...context, published: true })).toEqual([])
  })

  it('gives a friendly issue for each required field of a stage never saved', () => {
    const context = validContext(NOW, { data: { organizerSetup: undefined, eventSetup: undefined, venueSetup: undefined, ticketSetup: undefined } })
    expect(stageIssues('organizerSetup', context)).toEqual([
      { path: 'name', message: 'Add your name.' },
      { path: 'organization', message: "Add your organization's name." },
      { path: 'email', message: 'Add an e-mail address.' },
    ])
    expect(stageIssues('eventSetup', context)).toEqual([
      { path: 'title', message: 'Add a title.' },
      { path: 'type', message: 'Choose fashion_show, popup, exhibition, launch or other.' },
      { path: 'date', message: 'Add the date of the event.' },
      { path: 'startTime', message: 'Add the time the event starts.' },
      { path: 'timezone', message: 'Choose a time zone such as Europe/Paris.' },
    ])
    expect(stageIssues('venueSetup', context)).toEqual([{ path: 'mode', message: 'Choose physical, virtual or hybrid.' }])
    expect(stageIssues('ticketSetup', context)).toEqual([{ path: 'tiers', message: 'Add at least one ticket tier.' }])
  })

  it('compares the start with now as an instant in the event’s zone', () => {
    // 18:00 in Tokyo is 09:00Z: already past at 10:00Z, although 18:00 is later than 10:00.
    const tokyo = { ...valid().eventSetup, date: '2030-06-01', startTime: '18:00', endTime: '21:00', timezone: 'Asia/Tokyo' }
    expect(stageIssues('eventSetup', validContext(NOW, { data: { eventSetup: tokyo } }))).toEqual([
      { path: 'date', message: 'The event must start in the future.' },
    ])
    // 20:00 in Tokyo is 11:00Z: still to come.
    expect(stageIssues('eventSetup', validContext(NOW, { data: { eventSetup: { ...tokyo, startTime: '20:00' } } }))).toEqual([])
    // Starting at this very moment is not in the future.
    expect(stageIssues('eventSetup', validContext(NOW, { data: { eventSetup: { ...tokyo, startTime: '19:00' } } }))).toEqual([
      { path: 'date', message: 'The event must start in the future.' },
    ])
  })

  it('reports a past start even while another field is still wrong', () => {
    const eventSetup = { ...valid().eventSetup, title: 'Ab', date: '2030-05-01' }
    expect(stageIssues('eventSetup', validContext(NOW, { data: { eventSetup } }))).toEqual([
      { path: 'title', message: 'Use at least 3 characters.' },
      { path: 'date', message: 'The event must start in the future.' },
    ])
  })

  it('reports all four mistakes of one submit at once: short title, unknown zone, past date, end before start', () => {
    const eventSetup = {
      ...valid().eventSetup,
      title: 'Ab',
      timezone: 'Mars/Olympus',
      date: '2030-05-01',
      startTime: '19:00',
      endDate: '2030-05-01',
      endTime: '18:00',
    }
    const issues = stageIssues('eventSetup', validContext(NOW, { data: { eventSetup } }))
    expect(issues.map((issue) => issue.path).sort()).toEqual(['date', 'endTime', 'timezone', 'title'])
  })

  it('without a valid zone, calls a start past only when it is past in every zone', () => {
    const late = { ...valid().eventSetup, timezone: 'Nowhere/Land', date: '2030-06-01', startTime: '08:00', endDate: undefined, endTime: undefined }
    const issues = (data: object) => stageIssues('eventSetup', validContext(NOW, { data: { eventSetup: data } })).map((issue) => issue.path)
    // 08:00 local on 1 June is 20:00Z at the latest (UTC-12): it may still be to come.
    expect(issues(late)).toEqual(['timezone'])
    // A day earlier is past in every zone.
    expect(issues({ ...late, date: '2030-05-30' })).toEqual(['timezone', 'date'])
  })

  it('accepts an alias time zone', () => {
    const eventSetup = { ...valid().eventSetup, timezone: 'Asia/Calcutta' }
    expect(stageIssues('eventSetup', validContext(NOW, { data: { eventSetup } }))).toEqual([])
  })

  it('makes valid tickets incomplete when the venue shrinks below them', () => {
    const data = valid()
    data.venueSetup.venue!.capacity = 200
    expect(stageIssues('ticketSetup', validContext(NOW, { data }))).toEqual([
      { path: 'totalCapacity', message: 'The total capacity (300) is more than the venue holds (200).' },
    ])
    delete data.ticketSetup.totalCapacity
    expect(stageIssues('ticketSetup', validContext(NOW, { data }))).toEqual([
      { path: 'tiers', message: 'The tiers offer 250 tickets, more than the venue holds (200).' },
    ])
  })

  it('checks tickets only against other stages that are valid', () => {
    const data = valid()
    data.venueSetup.venue!.capacity = 10
    data.venueSetup.venue!.country = 'XX' // an invalid venue says nothing reliable
    data.ticketSetup.tiers[0]!.salesEnd = '2031-01-01T00:00:00Z'
    data.eventSetup.title = 'Ab'
    expect(stageIssues('ticketSetup', validContext(NOW, { data }))).toEqual([])
    // A virtual event has no venue capacity, even when an old venue is still stored.
    const virtual = valid()
    virtual.venueSetup.mode = 'virtual'
    virtual.venueSetup.venue!.capacity = 10
    expect(stageIssues('ticketSetup', validContext(NOW, { data: virtual }))).toEqual([])
  })

  it('ends ticket sales by the start when the event has no end', () => {
    const data = valid()
    delete data.eventSetup.endTime
    data.ticketSetup.tiers[0]!.salesEnd = `${data.eventSetup.date}T19:00:00+02:00` // the start itself is fine
    expect(stageIssues('ticketSetup', validContext(NOW, { data }))).toEqual([])
    data.ticketSetup.tiers[0]!.salesEnd = `${data.eventSetup.date}T19:30:00+02:00`
    expect(stageIssues('ticketSetup', validContext(NOW, { data }))).toEqual([
      { path: 'tiers.0.salesEnd', message: 'Ticket sales must end by the start of the event.' },
    ])
  })

  it('completes payments only when none are needed or the account is verified', () => {
    const context = validContext(NOW)
    const issue = [{ path: 'status', message: 'Paid tickets need a connected Stripe account with charges enabled.' }]
    expect(stageIssues('paymentSetup', { ...context, paymentStatus: 'not_required' })).toEqual([])
    expect(stageIssues('paymentSetup', { ...context, paymentStatus: 'verified' })).toEqual([])
    expect(stageIssues('paymentSetup', { ...context, paymentStatus: 'not_connected' })).toEqual(issue)
    expect(stageIssues('paymentSetup', { ...context, paymentStatus: 'pending' })).toEqual(issue)
  })

  it('completes sponsors and media once saved valid, or skipped', () => {
    const context = (sponsorsMedia: unknown) => validContext(NOW, { data: { sponsorsMedia } })
    expect(stageIssues('sponsorsMedia', context(undefined))).toEqual([{ path: '', message: 'Save this stage or skip it.' }])
    expect(stageIssues('sponsorsMedia', context({}))).toEqual([])
    expect(stageIssues('sponsorsMedia', context({ skipped: true }))).toEqual([])
    expect(stageIssues('sponsorsMedia', context({ skipped: false, coverImageUrl: 'http://x.example' }))).toEqual([
      { path: 'coverImageUrl', message: 'Use an https:// link.' },
    ])
    // Skipped media are left out of the event, so what is left in them does not matter.
    expect(stageIssues('sponsorsMedia', context({ skipped: true, coverImageUrl: 'http://x.example' }))).toEqual([])
  })
})

describe('paymentStatusFor', () => {
  const paid = {
    tiers: [
      { name: 'Free', price: 0 },
      { name: 'VIP', price: 5000 },
    ],
  }
  it.each([
    [undefined, 'verified', 'not_required'],
    [{ tiers: 'nonsense' }, 'none', 'not_required'],
    [{ tiers: [{ price: 0 }] }, 'none', 'not_required'],
    [paid, 'none', 'not_connected'],
    [paid, 'pending', 'pending'],
    [paid, 'verified', 'verified'],
  ] as const)('%j with account %s → %s', (ticketSetup, account, status) => {
    expect(paymentStatusFor(ticketSetup, account)).toBe(status)
  })
})
