import { ZodError } from 'zod'
import { DomainError } from '../errors'
import { EventSetupSchema, SponsorsMediaSchema, TicketSetupSchema, VenueSetupSchema } from './stage-schemas'
import { canonicalTimeZone, scheduleOf } from './times'
import type { WizardData } from './validation'

/** An event's tier as the stages define it; `id` names a published tier an edit keeps. */
export interface TierFromStages {
  id?: string
  position: number
  name: string
  description: string | null
  price: number
  currency: string
  quantity: number
  salesStart: Date | null
  salesEnd: Date | null
  minPerOrder: number | null
  maxPerOrder: number | null
  hidden: boolean
}

/**
 * The event and its tiers as the validated stages describe them: what publishing creates and what
 * publishing an edit writes over. The meeting URL goes to `onlineUrl` only, never `venue`; a skipped
 * media stage shows nothing; the time zone is stored in its canonical spelling. `paymentAccountId` is
 * the connected account paid tiers are sold through (validation let them through only with one).
 */
export function eventFromStages(data: WizardData, paymentAccountId: string | null) {
  const eventSetup = EventSetupSchema.parse(data.eventSetup)
  const venueSetup = VenueSetupSchema.parse(data.venueSetup)
  const ticketSetup = TicketSetupSchema.parse(data.ticketSetup)
  const sponsorsMedia = SponsorsMediaSchema.parse(data.sponsorsMedia ?? {})
  const schedule = scheduleOf(eventSetup)
  if ('issues' in schedule) throw new DomainError('PRECONDITION_FAILED', 'The event times are not valid.', { issues: schedule.issues })
  const paid = ticketSetup.tiers.some((tier) => tier.price > 0)
  const hasVenue = venueSetup.mode !== 'virtual'
  const hasOnline = venueSetup.mode !== 'physical'
  const event = {
    title: eventSetup.title.trim(),
    type: eventSetup.type,
    description: eventSetup.description?.trim() || null,
    startsAt: schedule.startsAt,
    endsAt: schedule.endsAt,
    timezone: canonicalTimeZone(eventSetup.timezone) ?? eventSetup.timezone,
    venueMode: venueSetup.mode,
    venue: hasVenue ? (venueSetup.venue ?? null) : null,
    onlineUrl: hasOnline ? (venueSetup.online?.url ?? null) : null,
    capacity: ticketSetup.totalCapacity ?? (hasVenue ? venueSetup.venue?.capacity : undefined) ?? null,
    paymentEnabled: paid,
    stripeAccountId: paid ? paymentAccountId : null,
    coverImageUrl: sponsorsMedia.skipped ? null : (sponsorsMedia.coverImageUrl ?? null),
    sponsors: sponsorsMedia.skipped ? [] : (sponsorsMedia.sponsors ?? []),
  }
  const tiers: TierFromStages[] = ticketSetup.tiers.map((tier, position) => ({
    ...(tier.id ? { id: tier.id } : {}),
    position,
    name: tier.name.trim(),
    description: tier.description?.trim() || null,
    price: tier.price,
    currency: tier.currency,
    quantity: tier.quantity,
    salesStart: tier.salesStart ? new Date(tier.salesStart) : null,
    salesEnd: tier.salesEnd ? new Date(tier.salesEnd) : null,
    minPerOrder: tier.minPerOrder ?? null,
    maxPerOrder: tier.maxPerOrder ?? null,
    hidden: tier.hidden ?? false,
  }))
  return { event, tiers }
}

export type EventFromStages = ReturnType<typeof eventFromStages>

/** The same, or null while a stage it needs does not validate yet: the review's preview. */
export function eventFromValidStages(data: WizardData): EventFromStages | null {
  try {
    return eventFromStages(data, null)
  } catch (error) {
    if (error instanceof ZodError || error instanceof DomainError) return null
    throw error
  }
}
