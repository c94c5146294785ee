/**
 * Local dates and times in an IANA zone, with Intl only (no date library) and no clock: whoever needs
 * "now" passes it in.
 */
import { getAllTimezones, getTimezone } from 'countries-and-timezones'
import type { FieldIssue } from '../errors'
import type { EventSetup } from './stage-schemas'

const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE

const resolvedZones = new Map<string, string | null>()

/**
 * The zone as Intl resolves it (fixing the case of `europe/paris`), or null when Intl does not know it.
 * Remembered: building a DateTimeFormat costs a fifth of a millisecond, and validation asks often.
 */
function intlZone(zone: string): string | null {
  let resolved = resolvedZones.get(zone)
  if (resolved === undefined) {
    try {
      resolved = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone
    } catch {
      resolved = null
    }
    if (resolvedZones.size < 2000) resolvedZones.set(zone, resolved)
  }
  return resolved
}

/**
 * The canonical IANA id of a zone: `Asia/Calcutta` → `Asia/Kolkata`, `UTC` → `Etc/UTC`; null when unknown.
 * Node 20's ICU keeps old names (it resolves `Europe/Kyiv` to `Europe/Kiev`), so the alias table comes
 * from countries-and-timezones; Intl only decides whether the zone can be computed with at all.
 */
export function canonicalTimeZone(zone: string): string | null {
  if (typeof zone !== 'string' || zone.trim() !== zone || zone === '') return null
  const resolved = intlZone(zone)
  if (resolved === null) return null
  const known = getTimezone(zone) ?? getTimezone(resolved)
  if (!known) return resolved
  const canonical = known.aliasOf ?? known.name
  return intlZone(canonical) === null ? resolved : canonical
}

/** "new york" → "America/New_York": zones by the city in their name, built on first use. */
let zonesByCity: Map<string, string> | null = null

/**
 * The zone an organizer means by what they typed: a zone id as it is, or a city that names one
 * ("Paris", "new york", "Sao_Paulo"); null when neither.
 */
export function zoneFromText(typed: string): string | null {
  const zone = typed.trim()
  if (zone === '') return null
  if (canonicalTimeZone(zone) !== null) return zone
  if (zonesByCity === null) {
    zonesByCity = new Map()
    for (const known of Object.values(getAllTimezones())) {
      const city = known.name.split('/').pop()!.replaceAll('_', ' ').toLowerCase()
      if (!zonesByCity.has(city) && canonicalTimeZone(known.name) !== null) zonesByCity.set(city, known.aliasOf ?? known.name)
    }
  }
  return zonesByCity.get(zone.replaceAll('_', ' ').replace(/\s+/g, ' ').toLowerCase()) ?? null
}

/**
 * The country a zone is named for (`Europe/Paris` → `FR`, `Asia/Tokyo` → `JP`): the first the table
 * lists, ahead of those that share the zone (Monaco, Australia's islands); null for `UTC` and the like.
 */
export function countryOfZone(zone: string): string | null {
  const known = getTimezone(zone) ?? getTimezone(canonicalTimeZone(zone) ?? '')
  return known?.countries[0] ?? null
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      era: 'short', // so years before 1 AD do not come back as positive
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(zone, formatter)
  }
  return formatter
}

/** UTC milliseconds for a wall-clock reading, so wall clocks and instants can be subtracted. */
function wallMillis(year: number, month: number, day: number, hour: number, minute: number, second = 0): number {
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day) // Date.UTC would map years 0–99 to 1900–1999
  date.setUTCHours(hour, minute, second, 0)
  return date.getTime()
}

/** The wall clock in `zone` at `instant`, as UTC milliseconds. */
function wallClockAt(instant: number, zone: string): number {
  const parts: Record<string, string> = {}
  for (const part of formatterFor(zone).formatToParts(new Date(instant))) parts[part.type] = part.value
  const year = parts.era === 'BC' || parts.era === 'B' ? 1 - Number(parts.year) : Number(parts.year)
  return wallMillis(year, Number(parts.month), Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second))
}

/** How far the zone's clock is ahead of UTC at `instant`. */
const offsetAt = (instant: number, zone: string) => wallClockAt(Math.floor(instant / 1000) * 1000, zone) - Math.floor(instant / 1000) * 1000

const hhmm = (wall: number) => new Date(wall).toISOString().slice(11, 16)

/** The local `YYYY-MM-DDTHH:MM` in `zone` at `instant` (what a datetime-local input shows). */
export const localDateTimeAt = (instant: Date, zone: string): string => new Date(wallClockAt(instant.getTime(), zone)).toISOString().slice(0, 16)

function parseLocal(date: string, time: string): number {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  const t = /^(\d{2}):(\d{2})$/.exec(time)
  if (!d || !t) throw new RangeError(`Expected YYYY-MM-DD and HH:MM, got ${date} ${time}`)
  return wallMillis(Number(d[1]), Number(d[2]), Number(d[3]), Number(t[1]), Number(t[2]))
}

export type ZonedInstant = { ok: true; instant: Date } | { ok: false; gap: { from: string; to: string } }

/**
 * The instant a local date and time denote in `zone`. A time the clocks skip (spring forward) is not an
 * instant: the answer names the change instead. A time that happens twice (fall back) is its earlier
 * occurrence, the one people arriving at the first 01:30 would expect. Throws RangeError on a malformed
 * date or time or an unknown zone (the schemas refuse those before this is called).
 */
export function zonedTimeToInstant(date: string, time: string, zone: string): ZonedInstant {
  const local = parseLocal(date, time)
  // Offsets in force a day either side bracket any change near this time; the offset at `local` read as
  // UTC may be a third one in zones far from UTC.
  const before = offsetAt(local - DAY, zone)
  const after = offsetAt(local + DAY, zone)
  const candidates = new Set([before, after, offsetAt(local, zone)])
  const instants = [...candidates].map((offset) => local - offset).filter((instant) => wallClockAt(instant, zone) === local)
  if (instants.length > 0) return { ok: true, instant: new Date(Math.min(...instants)) }

  // A gap: find the change between the last instant on the old offset and the first on the new one.
  let low = local - after
  let high = local - before
  while (high - low > 1000) {
    const middle = Math.floor((low + high) / 2000) * 1000
    if (offsetAt(middle, zone) === before) low = middle
    else high = middle
  }
  return { ok: false, gap: { from: hhmm(high + before), to: hhmm(high + after) } }
}

const dayFormatter = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })

/** "2030-03-31" → "31 March 2030": what the organizer reads, whatever their locale's order. */
export const formatDay = (date: string) => dayFormatter.format(parseLocal(date, '00:00'))

/** The day after a `YYYY-MM-DD` date. */
export function nextDay(date: string): string {
  return new Date(parseLocal(date, '00:00') + DAY).toISOString().slice(0, 10)
}

export type Schedule = { startsAt: Date; endsAt: Date | null }

const gapMessage = (time: string, date: string, zone: string, gap: { from: string; to: string }) =>
  `${time} does not exist on ${formatDay(date)} in ${zone}: clocks go forward from ${gap.from} to ${gap.to}.`

const END_AFTER_START = 'The event must end after it starts.'

/**
 * When a (schema-valid) event starts and ends. An end time earlier than the start with no end date is
 * the next morning (an overnight show); the same time with no end date would be a zero-length event.
 * Whether the start is in the future needs the clock, so validation.ts checks that.
 */
export function scheduleOf(data: EventSetup): Schedule | { issues: FieldIssue[] } {
  const issues: FieldIssue[] = []
  const start = zonedTimeToInstant(data.date, data.startTime, data.timezone)
  if (!start.ok) issues.push({ path: 'startTime', message: gapMessage(data.startTime, data.date, data.timezone, start.gap) })

  if (data.endTime === undefined) {
    if (data.endDate !== undefined) issues.push({ path: 'endTime', message: 'Add the time the event ends.' })
    return issues.length > 0 || !start.ok ? { issues } : { startsAt: start.instant, endsAt: null }
  }
  if (data.endDate === undefined && data.endTime === data.startTime) {
    issues.push({ path: 'endTime', message: END_AFTER_START })
    return { issues }
  }
  const endDay = data.endDate ?? (data.endTime < data.startTime ? nextDay(data.date) : data.date)
  const end = zonedTimeToInstant(endDay, data.endTime, data.timezone)
  if (!end.ok) issues.push({ path: 'endTime', message: gapMessage(data.endTime, endDay, data.timezone, end.gap) })
  if (!start.ok || !end.ok) return { issues }
  if (end.instant.getTime() <= start.instant.getTime()) return { issues: [{ path: 'endTime', message: END_AFTER_START }] }
  return { startsAt: start.instant, endsAt: end.instant }
}
