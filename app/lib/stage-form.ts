import type { FieldIssue } from '../../server/errors'
import { currencyDigits } from '../../server/orders/money'
import { isOrganizerStage, type StageId } from '../../server/wizard/stages'
import { canonicalTimeZone, countryOfZone, localDateTimeAt, zonedTimeToInstant, zoneFromText } from '../../server/wizard/times'
import { stageIssues, type WizardData } from '../../server/wizard/validation'
import { valueAt } from '../../server/wizard/zod-issues'

/**
 * The forms' side of the stage schemas. Forms post text; the stages store typed values. This turns one
 * into the other and back, and nothing else: every rule stays in the stage schemas. Two fields read
 * the way an organizer thinks rather than as stored: prices in the currency's main unit ("25.50" for
 * 2550 cents) and sales windows as local date-times in the event's time zone. Shared by the stage
 * action, the autosave route and the browser's inline checks, so all three read a form the same way.
 */
type Payload = Record<string, unknown>
type Converted = { patch: Record<string, unknown>; issues: FieldIssue[] }

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null)

/**
 * Conform's field name for a core issue path: `tiers.0.price` → `tiers[0].price`. The form asks for the
 * currency once for the event, so every tier's currency issue belongs to that one field.
 */
export const fieldName = (path: string) => (/^tiers\.\d+\.currency$/.test(path) ? 'currency' : path.replace(/\.(\d+)(?=\.|$)/g, '[$1]'))

/** Issues as Conform's field errors (each message once per field); a stage-wide issue (path '') becomes the form's. */
export function errorsByField(issues: FieldIssue[]): Record<string, string[]> {
  const errors: Record<string, string[]> = {}
  for (const issue of issues) {
    const messages = (errors[issue.path ? fieldName(issue.path) : ''] ??= [])
    if (!messages.includes(issue.message)) messages.push(issue.message)
  }
  return errors
}

/** Only what was entered gets a message before a submit; an untouched empty field waits for Continue. */
export const issuesOfEnteredFields = (issues: FieldIssue[], entered: unknown) =>
  issues.filter((issue) => {
    if (issue.path === '') return false
    const value = valueAt(entered, issue.path.split('.'))
    return value !== undefined && value !== ''
  })

/** `example.com`, `cdn.example.com/x.jpg`: a host name with a dot and no scheme. */
const BARE_DOMAIN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}(?:[/?#]|$)/i

class FormReader {
  readonly issues: FieldIssue[] = []
  constructor(private readonly zone: string) {}

  wholeNumber(value: unknown, path: string): number | null {
    const raw = text(value)
    if (raw === null) return null
    if (!/^-?\d+$/.test(raw)) {
      this.issues.push({ path, message: 'Use a whole number.' })
      return null
    }
    return Number(raw)
  }

  price(value: unknown, currency: string | null, path: string): number | null {
    const raw = text(value)?.replace(',', '.') ?? null
    if (raw === null) return null
    const digits = currencyDigits(currency ?? 'EUR')
    const match = /^(\d+)(?:\.(\d+))?$/.exec(raw)
    if (!match) {
      this.issues.push({ path, message: 'Use an amount such as 25 or 25.50 (0 for free).' })
      return null
    }
    const fraction = match[2] ?? ''
    if (fraction.length > digits) {
      this.issues.push({ path, message: digits === 0 ? `${currency} has no decimals.` : `Use at most ${digits} decimals.` })
      return null
    }
    return Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || 0)
  }

  /**
   * A link as typed: a bare domain (`example.com/logo.png`) is completed to https://, as browsers do in
   * the address bar; `http://` is refused here with the reason, before the schema's general message.
   */
  link(value: unknown, path: string): string | null {
    const raw = text(value)
    if (raw === null) return null
    if (/^http:\/\//i.test(raw)) {
      this.issues.push({ path, message: 'Use a secure link starting with https:// (browsers warn about http:// links).' })
      return null
    }
    return BARE_DOMAIN.test(raw) ? `https://${raw}` : raw
  }

  /** A datetime-local value in the event's zone → an ISO instant. */
  instant(value: unknown, path: string): string | null {
    const raw = text(value)
    if (raw === null) return null
    const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(raw)
    if (!match) {
      this.issues.push({ path, message: 'Use a date and time.' })
      return null
    }
    const result = zonedTimeToInstant(match[1]!, match[2]!, this.zone)
    if (!result.ok) {
      this.issues.push({ path, message: `${match[2]} does not exist on that day in ${this.zone} (clocks go forward).` })
      return null
    }
    return result.instant.toISOString()
  }
}

/** Drops empty fields of a nested object; null when nothing is left (the object is then removed). */
function compact(object: Record<string, unknown>): Record<string, unknown> | null {
  const kept = Object.fromEntries(Object.entries(object).filter(([, value]) => value !== null && value !== undefined))
  return Object.keys(kept).length > 0 ? kept : null
}

const record = (value: unknown): Payload => (value && typeof value === 'object' ? (value as Payload) : {})
const list = (value: unknown): Payload[] => (Array.isArray(value) ? value.map(record) : [])

/** A form post of one stage as a merge patch: empty fields become `null`, which removes them. */
export function formToPatch(stage: StageId, payload: Payload, eventZone: string | null): Converted {
  const read = new FormReader(canonicalTimeZone(eventZone ?? '') ?? 'UTC')
  const strings = (keys: string[]) => Object.fromEntries(keys.map((key) => [key, text(payload[key])]))
  let patch: Record<string, unknown>
  switch (stage) {
    case 'organizerSetup':
      patch = strings(['name', 'organization', 'email', 'phone'])
      break
    case 'eventSetup':
      patch = strings(['title', 'type', 'description', 'date', 'startTime', 'endDate', 'endTime', 'timezone'])
      // The field's hint promises that a city finds its zone.
      if (typeof patch.timezone === 'string') patch.timezone = zoneFromText(patch.timezone) ?? patch.timezone
      break
    case 'venueSetup': {
      const mode = text(payload.mode)
      // The fields of a mode not chosen are not the event's (without JavaScript the form shows both
      // groups, and a prefilled country would otherwise make a half venue of an online event).
      const venue = mode === 'virtual' ? {} : record(payload.venue)
      const online = mode === 'physical' ? {} : record(payload.online)
      patch = {
        mode,
        venue: compact({
          name: text(venue.name),
          address: text(venue.address),
          city: text(venue.city),
          country: text(venue.country),
          postalCode: text(venue.postalCode),
          capacity: read.wholeNumber(venue.capacity, 'venue.capacity'),
        }),
        online: compact({ url: read.link(online.url, 'online.url'), platform: text(online.platform) }),
      }
      break
    }
    case 'ticketSetup': {
      // One currency for the event, asked once: every tier is sold in it.
      const currency = text(payload.currency)
      patch = {
        tiers: list(payload.tiers).map((tier, index) => {
          const at = (field: string) => `tiers.${index}.${field}`
          return (
            compact({
              name: text(tier.name),
              price: read.price(tier.price, currency, at('price')),
              currency,
              quantity: read.wholeNumber(tier.quantity, at('quantity')),
              description: text(tier.description),
              salesStart: read.instant(tier.salesStart, at('salesStart')),
              salesEnd: read.instant(tier.salesEnd, at('salesEnd')),
              minPerOrder: read.wholeNumber(tier.minPerOrder, at('minPerOrder')),
              maxPerOrder: read.wholeNumber(tier.maxPerOrder, at('maxPerOrder')),
              hidden: tier.hidden === 'on' || tier.hidden === 'true' ? true : null,
              id: text(tier.id),
            }) ?? {}
          )
        }),
        totalCapacity: read.wholeNumber(payload.totalCapacity, 'totalCapacity'),
      }
      break
    }
    case 'sponsorsMedia':
      patch = {
        coverImageUrl: read.link(payload.coverImageUrl, 'coverImageUrl'),
        sponsors: list(payload.sponsors).map(
          (sponsor, index) =>
            compact({
              name: text(sponsor.name),
              url: read.link(sponsor.url, `sponsors.${index}.url`),
              logoUrl: read.link(sponsor.logoUrl, `sponsors.${index}.logoUrl`),
              level: text(sponsor.level),
            }) ?? {},
        ),
        skipped: null,
      }
      break
    default:
      patch = {}
  }
  return { patch, issues: read.issues }
}

const withoutRemovals = (patch: Record<string, unknown>) => Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== null))

/** What a whole-stage check needs besides the form: the other stages as stored, and the clock. */
export interface FormCheckContext {
  eventZone: string | null
  data: WizardData
  now: Date
}

/**
 * A whole stage form checked at once, as a submit that moves on needs it: what the form could not read,
 * and every issue the core's own stage check finds in the rest (the schema, the clock, the other
 * stages), so one refused submit shows every problem. An unreadable field is reported once, not also
 * as missing. The core checks the saved patch again; this is the same rule, run early.
 */
export function checkStageForm(stage: StageId, payload: Payload, context: FormCheckContext): Converted {
  const { patch, issues } = formToPatch(stage, payload, context.eventZone)
  if (!isOrganizerStage(stage)) return { patch, issues }
  const unreadable = new Set(issues.map((issue) => issue.path))
  const data = { ...context.data, [stage]: withoutRemovals(patch) }
  const stageCheck = stageIssues(stage, { now: context.now, data, paymentStatus: 'not_required', published: false })
  return { patch, issues: [...issues, ...stageCheck.filter((issue) => !unreadable.has(issue.path))] }
}

/** What the form shows for stored stage data: the inverse of `formToPatch`, with guesses for what is empty. */
export function formDefaults(stage: StageId, data: unknown, eventZone: string | null, account: { email?: string } = {}): Record<string, unknown> {
  const stored = record(data)
  const zone = canonicalTimeZone(eventZone ?? '') ?? 'UTC'
  const asText = (value: unknown) => (value === undefined || value === null ? '' : String(value))
  if (stage === 'ticketSetup') {
    // A new ticket form starts with the tier most events have: free general admission.
    const tiers = Array.isArray(stored.tiers) ? list(stored.tiers) : [{ name: 'General admission', price: 0, currency: 'EUR' }]
    const currency = typeof tiers[0]?.currency === 'string' ? tiers[0].currency : 'EUR'
    return {
      ...stored,
      currency,
      totalCapacity: asText(stored.totalCapacity),
      tiers: tiers.map((tier) => {
        const digits = currencyDigits(currency)
        const localTime = (value: unknown) =>
          typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? localDateTimeAt(new Date(value), zone) : asText(value)
        return {
          ...tier,
          price: typeof tier.price === 'number' ? (tier.price / 10 ** digits).toFixed(digits) : asText(tier.price),
          quantity: asText(tier.quantity),
          minPerOrder: asText(tier.minPerOrder),
          maxPerOrder: asText(tier.maxPerOrder),
          salesStart: localTime(tier.salesStart),
          salesEnd: localTime(tier.salesEnd),
          hidden: tier.hidden === true ? 'on' : '',
          id: asText(tier.id),
        }
      }),
    }
  }
  if (stage === 'venueSetup') {
    const venue = record(stored.venue)
    // The venue is most likely in the country of the event's time zone.
    const country = venue.country ?? (eventZone ? countryOfZone(eventZone) : null) ?? undefined
    return { ...stored, venue: { ...venue, country, capacity: asText(venue.capacity) } }
  }
  if (stage === 'organizerSetup' && stored.email === undefined && account.email) return { ...stored, email: account.email }
  return stored
}
