/**
 * An event as its public page shows it (app/components/event-page.tsx lays it out; the public route and
 * the wizard's review stage both use it).
 *
 * Formatting happens in `presentEvent`, which a loader calls: dates come out in the event's time zone
 * and the visitor's locale as plain strings, so the server and the browser render the same text (no
 * hydration mismatch from a different clock, zone or ICU). The component only lays strings out.
 *
 *   loader: return { event: presentEvent(data, { locale: pickLocale(request.headers.get('accept-language')), now }) }
 *   route:  export const links = () => [eventPageStylesheet];  <EventPage event={event} />
 */
import { formatAmount } from '../../server/orders/money'
import { isHttpsUrl } from '../../server/wizard/https-url'
import { dateTimeFormat } from './intl-formats'

// ---------------------------------------------------------------------------------------------------
// Input: the event as the public API (`events.bySlug`) or the wizard's stages describe it
// ---------------------------------------------------------------------------------------------------

export interface EventVenue {
  name: string
  address: string
  city: string
  /** ISO 3166-1 alpha-2 */
  country: string
  postalCode?: string | null
  capacity?: number | null
}

export interface EventSponsor {
  name: string
  url?: string | null
  logoUrl?: string | null
  level?: string | null
}

export interface EventTier {
  name: string
  description?: string | null
  /** Integer minor units (cents); 0 is free. */
  price: number
  /** ISO 4217 */
  currency: string
  salesStart?: Date | string | null
  salesEnd?: Date | string | null
  minPerOrder?: number | null
  maxPerOrder?: number | null
}

export interface EventPageInput {
  title: string
  type: string
  description?: string | null
  startsAt: Date | string
  endsAt?: Date | string | null
  /** IANA zone the organizer set the times in. */
  timezone: string
  venueMode: 'physical' | 'virtual' | 'hybrid'
  venue?: EventVenue | null
  coverImageUrl?: string | null
  sponsors?: readonly EventSponsor[] | null
  tiers: readonly EventTier[]
}

export const eventTypeLabels: Record<string, string> = {
  fashion_show: 'Fashion show',
  popup: 'Pop-up',
  exhibition: 'Exhibition',
  launch: 'Launch',
  other: 'Event',
}

export const eventTypeLabel = (type: string) => eventTypeLabels[type] ?? 'Event'

// ---------------------------------------------------------------------------------------------------
// Output: what the page shows, every value already a string
// ---------------------------------------------------------------------------------------------------

export interface PresentedEvent {
  title: string
  typeLabel: string
  description: string | null
  when: {
    startIso: string
    endIso: string | null
    /** "Friday, December 12, 2025" */
    startDate: string
    /** Set when the event ends on another day than it starts. */
    endDate: string | null
    startTime: string
    endTime: string | null
    /** "Central European Standard Time" */
    zoneName: string
    /** "Europe/Paris" */
    timezone: string
    /** One line: "Friday, December 12, 2025, 7:00 PM – 11:00 PM" */
    summary: string
  }
  place: {
    online: boolean
    venue: { name: string; lines: string[] } | null
    /** "Salle Pleyel, Paris", "Online" */
    summary: string
  }
  coverImage: { src: string; alt: string } | null
  tiers: { name: string; description: string | null; price: string; free: boolean; notes: string[] }[]
  sponsors: { name: string; href: string | null; logoUrl: string | null; level: string | null }[]
  /** ~160 characters for `<meta name="description">` and Open Graph. */
  summary: string
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value.trim() : null)

/** A venue read from JSON (the `venue` column), or null when it is not one. */
export function venueFrom(json: unknown): EventVenue | null {
  if (!json || typeof json !== 'object') return null
  const venue = json as Record<string, unknown>
  const name = text(venue.name)
  const address = text(venue.address)
  const city = text(venue.city)
  const country = text(venue.country)
  if (!name || !address || !city || !country) return null
  return { name, address, city, country, postalCode: text(venue.postalCode) }
}

/** Sponsors read from JSON (the `sponsors` column); entries without a name are dropped. */
export function sponsorsFrom(json: unknown): EventSponsor[] {
  if (!Array.isArray(json)) return []
  return json.flatMap((entry: unknown) => {
    if (!entry || typeof entry !== 'object') return []
    const sponsor = entry as Record<string, unknown>
    const name = text(sponsor.name)
    return name ? [{ name, url: text(sponsor.url), logoUrl: text(sponsor.logoUrl), level: text(sponsor.level) }] : []
  })
}

/**
 * The visitor's preferred locale from an `Accept-Language` header, among those this runtime can format;
 * `en` when none (or `*`).
 */
export function pickLocale(header: string | null | undefined, fallback = 'en'): string {
  const ranked = (header ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';')
      const q = Number(
        params
          .find((param) => param.trim().startsWith('q='))
          ?.trim()
          .slice(2) ?? 1,
      )
      return { tag: tag.trim(), q: Number.isFinite(q) ? q : 0, index }
    })
    .filter((entry) => entry.tag && entry.tag !== '*' && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
  for (const { tag } of ranked) {
    try {
      const [supported] = Intl.DateTimeFormat.supportedLocalesOf(tag)
      if (supported) return supported
    } catch {
      // Not a language tag: try the next one.
    }
  }
  return fallback
}

/** A zone Intl knows; UTC otherwise (a draft in the review preview may hold anything). */
function safeZone(zone: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return zone
  } catch {
    return 'UTC'
  }
}

const toDate = (value: Date | string) => (value instanceof Date ? value : new Date(value))

/** A ticket's price: minor units → "€19.99", "¥500", "KWD 1.234"; 0 → "Free". */
export function formatPrice(price: number, currency: string, locale: string): string {
  return price === 0 ? 'Free' : formatAmount(price, currency, locale)
}

export { formatAmount }

export interface EventDateFormats {
  date: Intl.DateTimeFormat
  time: Intl.DateTimeFormat
  day: Intl.DateTimeFormat
  short: Intl.DateTimeFormat
}

/** The formats the page uses, in the event's zone (exported so tests can compute what to expect). */
export function eventDateFormats(locale: string, timeZone: string): EventDateFormats {
  return {
    date: dateTimeFormat(locale, { timeZone, weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }),
    time: dateTimeFormat(locale, { timeZone, hour: 'numeric', minute: '2-digit' }),
    day: dateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }),
    short: dateTimeFormat(locale, { timeZone, year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }),
  }
}

function zoneNameOf(locale: string, timeZone: string, at: Date): string {
  const parts = dateTimeFormat(locale, { timeZone, timeZoneName: 'long' }).formatToParts(at)
  return parts.find((part) => part.type === 'timeZoneName')?.value ?? timeZone
}

function countryName(code: string, locale: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'region' }).of(code.toUpperCase()) ?? code
  } catch {
    return code
  }
}

function clip(value: string, max = 160): string {
  const flat = value.replace(/\s+/g, ' ').trim()
  if (flat.length <= max) return flat
  const cut = flat.slice(0, max - 1)
  const space = cut.lastIndexOf(' ')
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,.;:!?-]+$/, '')}…`
}

/** Everything the page shows, formatted for `locale` in the event's time zone. */
export function presentEvent(event: EventPageInput, options: { locale: string; now?: Date }): PresentedEvent {
  const { locale } = options
  const timezone = safeZone(event.timezone)
  const formats = eventDateFormats(locale, timezone)
  const startsAt = toDate(event.startsAt)
  const endsAt = event.endsAt ? toDate(event.endsAt) : null
  const sameDay = endsAt ? formats.day.format(startsAt) === formats.day.format(endsAt) : true
  const startDate = formats.date.format(startsAt)
  const startTime = formats.time.format(startsAt)
  const endTime = endsAt ? formats.time.format(endsAt) : null
  const endDate = endsAt && !sameDay ? formats.date.format(endsAt) : null
  const whenSummary = !endsAt
    ? `${startDate}, ${startTime}`
    : sameDay
      ? `${startDate}, ${startTime} – ${endTime}`
      : `${startDate}, ${startTime} – ${endDate}, ${endTime}`

  const venue = event.venueMode === 'virtual' ? null : (event.venue ?? null)
  const online = event.venueMode !== 'physical'
  const venueLines = venue ? [venue.address, [venue.postalCode, venue.city].filter(Boolean).join(' '), countryName(venue.country, locale)] : []
  const placeSummary = venue ? `${venue.name}, ${venue.city}` : 'Online'
  const typeLabel = eventTypeLabel(event.type)
  const description = text(event.description)
  const now = options.now

  return {
    title: event.title,
    typeLabel,
    description,
    when: {
      startIso: startsAt.toISOString(),
      endIso: endsAt ? endsAt.toISOString() : null,
      startDate,
      endDate,
      startTime,
      endTime,
      zoneName: zoneNameOf(locale, timezone, startsAt),
      timezone,
      summary: whenSummary,
    },
    place: {
      online,
      venue: venue ? { name: venue.name, lines: venueLines.filter(Boolean) } : null,
      summary: venue && online ? `${placeSummary} and online` : placeSummary,
    },
    coverImage: isHttpsUrl(event.coverImageUrl) ? { src: event.coverImageUrl, alt: `Cover image of ${event.title}` } : null,
    tiers: event.tiers.map((tier) => {
      const notes: string[] = []
      const salesStart = tier.salesStart ? toDate(tier.salesStart) : null
      const salesEnd = tier.salesEnd ? toDate(tier.salesEnd) : null
      if (salesStart && now && salesStart > now) notes.push(`On sale from ${formats.short.format(salesStart)}`)
      if (salesEnd) notes.push(`On sale until ${formats.short.format(salesEnd)}`)
      if (tier.maxPerOrder) notes.push(`Up to ${tier.maxPerOrder} per order`)
      if (tier.minPerOrder && tier.minPerOrder > 1) notes.push(`At least ${tier.minPerOrder} per order`)
      return {
        name: tier.name,
        description: text(tier.description),
        price: formatPrice(tier.price, tier.currency, locale),
        free: tier.price === 0,
        notes,
      }
    }),
    sponsors: (event.sponsors ?? []).map((sponsor) => ({
      name: sponsor.name,
      href: isHttpsUrl(sponsor.url) ? sponsor.url : null,
      logoUrl: isHttpsUrl(sponsor.logoUrl) ? sponsor.logoUrl : null,
      level: text(sponsor.level),
    })),
    summary: description ? clip(description) : clip(`${typeLabel} on ${whenSummary} (${timezone}), ${placeSummary}.`),
  }
}

// ---------------------------------------------------------------------------------------------------
// The page
// ---------------------------------------------------------------------------------------------------
