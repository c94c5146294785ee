import { describe, expect, it } from 'vitest'
import type { EventSetup } from '../../server/wizard/stage-schemas'
import { canonicalTimeZone, formatDay, nextDay, scheduleOf, zonedTimeToInstant } from '../../server/wizard/times'

const instant = (date: string, time: string, zone: string) => {
  const result = zonedTimeToInstant(date, time, zone)
  if (!result.ok) throw new Error(`${date} ${time} is in a gap in ${zone}`)
  return result.instant.toISOString()
}

describe('zonedTimeToInstant', () => {
  it.each([
    ['2030-07-01', '19:00', 'Asia/Tokyo', '2030-07-01T10:00:00.000Z'],
    ['2030-07-01', '19:00', 'America/New_York', '2030-07-01T23:00:00.000Z'], // EDT, UTC−4
    ['2030-01-15', '19:00', 'America/New_York', '2030-01-16T00:00:00.000Z'], // EST, UTC−5: the next UTC day
    ['2030-07-01', '19:00', 'Europe/Paris', '2030-07-01T17:00:00.000Z'],
    ['2030-07-01', '19:00', 'Asia/Kolkata', '2030-07-01T13:30:00.000Z'],
    ['2030-07-01', '19:00', 'Asia/Calcutta', '2030-07-01T13:30:00.000Z'],
    ['2030-07-01', '19:00', 'UTC', '2030-07-01T19:00:00.000Z'],
    ['2030-03-31', '03:00', 'Europe/Paris', '2030-03-31T01:00:00.000Z'], // the first minute after the gap
    ['2030-03-31', '01:59', 'Europe/Paris', '2030-03-31T00:59:00.000Z'], // the last minute before it
  ])('%s %s in %s is %s', (date, time, zone, expected) => {
    expect(instant(date, time, zone)).toBe(expected)
  })

  it.each([
    ['2030-03-31', '02:30', 'Europe/Paris', { from: '02:00', to: '03:00' }],
    ['2030-03-31', '02:00', 'Europe/Paris', { from: '02:00', to: '03:00' }],
    ['2030-03-10', '02:30', 'America/New_York', { from: '02:00', to: '03:00' }],
    ['2030-10-06', '02:15', 'Australia/Lord_Howe', { from: '02:00', to: '02:30' }], // a half-hour change
  ])('%s %s does not exist in %s', (date, time, zone, gap) => {
    expect(zonedTimeToInstant(date, time, zone)).toEqual({ ok: false, gap })
  })

  it('takes the earlier of the two instants of a time that happens twice (fall back)', () => {
    expect(instant('2030-11-03', '01:30', 'America/New_York')).toBe('2030-11-03T05:30:00.000Z') // EDT, not 06:30Z EST
    expect(instant('2030-10-27', '02:30', 'Europe/Paris')).toBe('2030-10-27T00:30:00.000Z') // CEST, not 01:30Z CET
  })

  it('refuses a malformed date or time', () => {
    expect(() => zonedTimeToInstant('2030-7-1', '19:00', 'Europe/Paris')).toThrow(RangeError)
    expect(() => zonedTimeToInstant('2030-07-01', '7pm', 'Europe/Paris')).toThrow(RangeError)
  })
})

describe('canonicalTimeZone', () => {
  it.each([
    ['Asia/Calcutta', 'Asia/Kolkata'],
    ['UTC', 'Etc/UTC'],
    ['US/Eastern', 'America/New_York'],
    ['Europe/Kiev', 'Europe/Kyiv'],
    ['Europe/Kyiv', 'Europe/Kyiv'], // Node 20's ICU calls it Europe/Kiev; the IANA id wins
    ['Europe/Paris', 'Europe/Paris'],
    ['Asia/Kolkata', 'Asia/Kolkata'],
    ['europe/paris', 'Europe/Paris'],
  ])('%s → %s', (zone, canonical) => {
    expect(canonicalTimeZone(zone)).toBe(canonical)
  })

  it.each(['', 'Mars/Olympus_Mons', 'Europe/Paris ', '+02:00', 'Factory'])('refuses %j', (zone) => {
    expect(canonicalTimeZone(zone)).toBeNull()
  })
})

it('formats days for messages and finds the next day', () => {
  expect(formatDay('2030-03-31')).toBe('31 March 2030')
  expect(nextDay('2030-12-31')).toBe('2031-01-01')
  expect(nextDay('2032-02-28')).toBe('2032-02-29')
})

describe('scheduleOf', () => {
  const event = (times: Partial<EventSetup>): EventSetup => ({
    title: 'Night show',
    type: 'popup',
    date: '2030-09-14',
    startTime: '19:00',
    timezone: 'Europe/Paris',
    ...times,
  })

  it('has no end without an end time', () => {
    expect(scheduleOf(event({}))).toEqual({ startsAt: new Date('2030-09-14T17:00:00Z'), endsAt: null })
  })

  it('ends the same day when the end time is later', () => {
    expect(scheduleOf(event({ endTime: '23:00' }))).toEqual({ startsAt: new Date('2030-09-14T17:00:00Z'), endsAt: new Date('2030-09-14T21:00:00Z') })
  })

  it('ends the next day when the end time is earlier and there is no end date (overnight)', () => {
    expect(scheduleOf(event({ startTime: '22:00', endTime: '02:00' }))).toEqual({
      startsAt: new Date('2030-09-14T20:00:00Z'),
      endsAt: new Date('2030-09-15T00:00:00Z'),
    })
  })

  it('uses the end date when there is one', () => {
    expect(scheduleOf(event({ endDate: '2030-09-16', endTime: '18:00' }))).toEqual({
      startsAt: new Date('2030-09-14T17:00:00Z'),
      endsAt: new Date('2030-09-16T16:00:00Z'),
    })
  })

  it.each([
    ['the same end time and no end date', { endTime: '19:00' }],
    ['an end date and time before the start', { endDate: '2030-09-14', endTime: '18:00' }],
    ['an end date before the date', { endDate: '2030-09-13', endTime: '23:00' }],
    ['an end at the very start', { endDate: '2030-09-14', endTime: '19:00' }],
  ])('refuses %s', (_label, times) => {
    expect(scheduleOf(event(times))).toEqual({ issues: [{ path: 'endTime', message: 'The event must end after it starts.' }] })
  })

  it('asks for an end time when only an end date is given', () => {
    expect(scheduleOf(event({ endDate: '2030-09-15' }))).toEqual({ issues: [{ path: 'endTime', message: 'Add the time the event ends.' }] })
  })

  it('names the clock change when the start does not exist', () => {
    expect(scheduleOf(event({ date: '2030-03-31', startTime: '02:30' }))).toEqual({
      issues: [{ path: 'startTime', message: '02:30 does not exist on 31 March 2030 in Europe/Paris: clocks go forward from 02:00 to 03:00.' }],
    })
    expect(scheduleOf(event({ date: '2030-03-10', startTime: '02:30', timezone: 'America/New_York' }))).toEqual({
      issues: [{ path: 'startTime', message: '02:30 does not exist on 10 March 2030 in America/New_York: clocks go forward from 02:00 to 03:00.' }],
    })
  })

  it('names the clock change when an overnight end does not exist', () => {
    expect(scheduleOf(event({ date: '2030-03-30', startTime: '22:00', endTime: '02:30' }))).toEqual({
      issues: [{ path: 'endTime', message: '02:30 does not exist on 31 March 2030 in Europe/Paris: clocks go forward from 02:00 to 03:00.' }],
    })
  })

  it('counts an overnight event across the fall-back change in real hours', () => {
    // 22:00 CEST to 03:00 CET is six hours, not five.
    expect(scheduleOf(event({ date: '2030-10-26', startTime: '22:00', endTime: '03:00' }))).toEqual({
      startsAt: new Date('2030-10-26T20:00:00Z'),
      endsAt: new Date('2030-10-27T02:00:00Z'),
    })
  })

  it('accepts an alias zone', () => {
    expect(scheduleOf(event({ timezone: 'Asia/Calcutta', endTime: '21:00' }))).toEqual({
      startsAt: new Date('2030-09-14T13:30:00Z'),
      endsAt: new Date('2030-09-14T15:30:00Z'),
    })
  })
})
