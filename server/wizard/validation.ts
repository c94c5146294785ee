/**
 * The two levels of checking of docs/architecture.md's "Saving": *shape* (the request cannot be stored at all) and
 * *content* (a draft may be stored with issues; the stage is complete when there are none). Pure: the
 * clock and the other stages come in through `StageContext`.
 */
import { z } from 'zod'
import type { FieldIssue } from '../errors'
import { isStorableText, UNSTORABLE_TEXT } from '../storable-text'
import { count } from './fields'
import { type EventSetup, EventSetupSchema, type PaymentSetup, stageSchemas, TicketSetupSchema, VenueSetupSchema } from './stage-schemas'
import type { StageId } from './stages'
import { scheduleOf, zonedTimeToInstant } from './times'
import { isShapeIssue, toFieldIssues, uniqueIssues } from './zod-issues'

export type PaymentStatus = PaymentSetup['status']

/** The stored JSON of each stage: possibly partial, possibly invalid, possibly absent. */
export type WizardData = { [S in StageId]?: unknown }

export interface StageContext {
  now: Date
  data: WizardData
  paymentStatus: PaymentStatus
  published: boolean
}

export const MAX_STRING_LENGTH = 10_000
export const MAX_ARRAY_LENGTH = 100
export const MAX_STAGE_BYTES = 64 * 1024
/** JSON from a request is a tree; a very deep one is an attack on the walkers, not an event. */
const MAX_DEPTH = 16
const TOO_DEEP = 'This value is nested too deeply.'

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Hard limits that hold for every field, known or not, so that no draft can grow without bound, and
 * text Postgres can store in every string and key.
 */
function sizeIssues(value: unknown, path: string[], out: FieldIssue[]): void {
  const at = path.join('.')
  if (typeof value === 'string') {
    if (!isStorableText(value)) out.push({ path: at, message: UNSTORABLE_TEXT })
    else if (value.length > MAX_STRING_LENGTH) out.push({ path: at, message: 'Use at most 10,000 characters.' })
    return
  }
  if (typeof value !== 'object' || value === null) return
  if (path.length >= MAX_DEPTH) {
    out.push({ path: at, message: TOO_DEEP })
    return
  }
  if (Array.isArray(value) && value.length > MAX_ARRAY_LENGTH) out.push({ path: at, message: 'Use at most 100 items.' })
  for (const [key, item] of Object.entries(value)) {
    if (isStorableText(key)) sizeIssues(item, [...path, key], out)
    else out.push({ path: [...path, key].join('.'), message: UNSTORABLE_TEXT })
  }
}

function byteSize(data: unknown): number | null {
  try {
    return new TextEncoder().encode(JSON.stringify(data)).length
  } catch {
    return null // a cycle or a BigInt: not JSON, so not storable
  }
}

/**
 * Shape problems of a stage's data: any of them means BAD_REQUEST and nothing written, even for a draft.
 * `[]` says nothing about content (a missing title, a past date) — see `stageIssues`.
 */
export function shapeIssues(stage: StageId, data: unknown): FieldIssue[] {
  // The type says StageId, but the typed API and the copilot hand over whatever they were sent.
  if (!Object.hasOwn(stageSchemas, stage)) return [{ path: '', message: 'There is no such stage.' }]
  if (!isPlainObject(data)) return [{ path: '', message: "Send this stage's fields as an object." }]
  // These two are the server's: a user can only send an empty object (a form posting nothing).
  if (stage === 'paymentSetup' && Object.keys(data).length > 0) return [{ path: '', message: 'This stage is filled in by the server.' }]
  if (stage === 'reviewPublish' && Object.keys(data).length > 0) return [{ path: '', message: 'Nothing to fill in here.' }]

  const issues: FieldIssue[] = []
  sizeIssues(data, [], issues)
  // JSON.stringify itself overflows on very deep values: measure only what passed the depth limit.
  const bytes = issues.some((issue) => issue.message === TOO_DEEP) ? 0 : byteSize(data)
  if (bytes === null) return [{ path: '', message: "Send this stage's fields as JSON." }]
  if (bytes > MAX_STAGE_BYTES) issues.push({ path: '', message: 'This stage holds too much data (at most 64 KB).' })
  const result = stageSchemas[stage].safeParse(data)
  if (!result.success) issues.push(...toFieldIssues(result.error.issues.filter((issue) => isShapeIssue(issue, data))))
  return uniqueIssues(issues)
}

const isEmptyStage = (data: unknown) => data === undefined || data === null || (isPlainObject(data) && Object.keys(data).length === 0)

/**
 * What an empty stage lacks depends on its schema alone (no clock, no other stage), and most stages of
 * a wizard in progress are empty: every read and write checks all of them, so each is parsed once.
 */
const emptyStageIssues = new Map<z.ZodType, FieldIssue[]>()

/** The schema's issues for stored data; no data at all is an issue for each required field. */
function schemaIssues(schema: z.ZodType, data: unknown): FieldIssue[] {
  if (!isEmptyStage(data)) return parsedIssues(schema, data)
  let issues = emptyStageIssues.get(schema)
  if (!issues) emptyStageIssues.set(schema, (issues = parsedIssues(schema, {}).map((issue) => Object.freeze(issue))))
  return [...issues]
}

function parsedIssues(schema: z.ZodType, data: unknown): FieldIssue[] {
  const result = schema.safeParse(data)
  return result.success ? [] : toFieldIssues(result.error.issues)
}

const { date, startTime, endDate, endTime, timezone } = EventSetupSchema.shape
/** The westernmost zones are 12 hours behind UTC: a local time this long past in UTC is past everywhere. */
const LATEST_OFFSET_MS = 12 * 60 * 60 * 1000

/**
 * The times checked with whatever of them is valid, so that one refused submit names every problem: a
 * short title or an unknown time zone does not hide that the date is in the past or the end comes first.
 * Without a valid zone the times are read in UTC, and a start counts as past only if it is past in every zone.
 */
function timeIssues(data: unknown, now: Date): FieldIssue[] {
  const event = isPlainObject(data) ? data : {}
  const valid = <T>(schema: z.ZodType<T>, value: unknown): T | undefined => {
    const parsed = schema.safeParse(value)
    return parsed.success ? parsed.data : undefined
  }
  const day = valid(date, event.date)
  const start = valid(startTime, event.startTime)
  if (day === undefined || start === undefined) return []
  const zone = valid(timezone, event.timezone)
  const schedule = scheduleOf({
    date: day,
    startTime: start,
    endDate: valid(endDate, event.endDate),
    endTime: valid(endTime, event.endTime),
    timezone: zone ?? 'UTC',
  } as EventSetup)
  const issues = 'issues' in schedule ? [...schedule.issues] : []
  // The start is an instant in the event's zone: 18:00 in Tokyo is 09:00Z, before 10:00Z.
  const startsAt = zonedTimeToInstant(day, start, zone ?? 'UTC')
  const margin = zone === undefined ? LATEST_OFFSET_MS : 0
  if (startsAt.ok && startsAt.instant.getTime() + margin <= now.getTime()) issues.push({ path: 'date', message: 'The event must start in the future.' })
  return issues
}

function eventIssues(context: StageContext): FieldIssue[] {
  const data = context.data.eventSetup
  const issues = schemaIssues(EventSetupSchema, data)
  if (isEmptyStage(data)) return issues
  return uniqueIssues([...issues, ...timeIssues(data, context.now)])
}

/** The last moment tickets may be sold: the event's end, or its start when it has no end. */
function salesDeadline(eventSetup: unknown): { at: number; moment: 'the end' | 'the start' } | null {
  const event = EventSetupSchema.safeParse(eventSetup)
  if (!event.success) return null
  const schedule = scheduleOf(event.data)
  if ('issues' in schedule) return null
  return schedule.endsAt ? { at: schedule.endsAt.getTime(), moment: 'the end' } : { at: schedule.startsAt.getTime(), moment: 'the start' }
}

function venueCapacity(venueSetup: unknown): number | null {
  const venue = VenueSetupSchema.safeParse(venueSetup)
  if (!venue.success || venue.data.mode === 'virtual') return null
  return venue.data.venue?.capacity ?? null
}

/**
 * Tickets against the other stages, checked once the tickets themselves are valid and only against
 * stages that are valid (an unfinished event says nothing reliable about when sales must end).
 */
function ticketIssues(context: StageContext): FieldIssue[] {
  if (isEmptyStage(context.data.ticketSetup)) return schemaIssues(TicketSetupSchema, context.data.ticketSetup)
  const tickets = TicketSetupSchema.safeParse(context.data.ticketSetup)
  if (!tickets.success) return toFieldIssues(tickets.error.issues)
  const issues: FieldIssue[] = []
  const { tiers, totalCapacity } = tickets.data
  const deadline = salesDeadline(context.data.eventSetup)
  if (deadline !== null) {
    tiers.forEach((tier, index) => {
      if (tier.salesStart !== undefined && Date.parse(tier.salesStart) > deadline.at) {
        issues.push({ path: `tiers.${index}.salesStart`, message: `Ticket sales must start by ${deadline.moment} of the event.` })
      }
      if (tier.salesEnd !== undefined && Date.parse(tier.salesEnd) > deadline.at) {
        issues.push({ path: `tiers.${index}.salesEnd`, message: `Ticket sales must end by ${deadline.moment} of the event.` })
      }
    })
  }
  const capacity = venueCapacity(context.data.venueSetup)
  if (capacity !== null) {
    const offered = tiers.reduce((sum, tier) => sum + tier.quantity, 0)
    if (totalCapacity !== undefined && totalCapacity > capacity) {
      issues.push({ path: 'totalCapacity', message: `The total capacity (${count(totalCapacity)}) is more than the venue holds (${count(capacity)}).` })
    } else if (totalCapacity === undefined && offered > capacity) {
      issues.push({ path: 'tiers', message: `The tiers offer ${count(offered)} tickets, more than the venue holds (${count(capacity)}).` })
    }
  }
  return issues
}

/** Every content issue that keeps `stage` from being complete; `[]` means it validates in full. */
export function stageIssues(stage: StageId, context: StageContext): FieldIssue[] {
  switch (stage) {
    case 'organizerSetup':
    case 'venueSetup':
      return schemaIssues(stageSchemas[stage], context.data[stage])
    case 'eventSetup':
      return eventIssues(context)
    case 'ticketSetup':
      return ticketIssues(context)
    case 'paymentSetup':
      return context.paymentStatus === 'not_required' || context.paymentStatus === 'verified'
        ? []
        : [{ path: 'status', message: 'Paid tickets need a connected Stripe account with charges enabled.' }]
    case 'sponsorsMedia': {
      const data = context.data.sponsorsMedia
      if (data === undefined || data === null) return [{ path: '', message: 'Save this stage or skip it.' }]
      // Skipped media are left out of the published event (publish ignores them), so they cannot block it.
      if (isPlainObject(data) && data.skipped === true) return []
      return schemaIssues(stageSchemas.sponsorsMedia, data)
    }
    case 'reviewPublish':
      return context.published ? [] : [{ path: '', message: 'Publish the event to finish.' }]
  }
}

/** Paid tickets need a connected account; free events never do. */
export function paymentStatusFor(ticketSetup: unknown, account: 'none' | 'pending' | 'verified'): PaymentStatus {
  const tiers = isPlainObject(ticketSetup) && Array.isArray(ticketSetup.tiers) ? ticketSetup.tiers : []
  const paid = tiers.some((tier: unknown) => isPlainObject(tier) && typeof tier.price === 'number' && tier.price > 0)
  if (!paid) return 'not_required'
  return account === 'none' ? 'not_connected' : account
}
