import { EventSetupSchema, SponsorsMediaSchema, TicketSetupSchema, VenueSetupSchema } from '../../server/wizard/stage-schemas'
import { canonicalTimeZone, scheduleOf } from '../../server/wizard/times'
import type { WizardData } from '../../server/wizard/validation'
import { type PresentedEvent, presentEvent } from './event-presentation'

/**
 * The event as its public page will show it, from the wizard's stages, once the stages it needs are
 * valid (null before): the review stage's preview.
 */
export function previewOf(data: WizardData, locale: string): PresentedEvent | null {
  const event = EventSetupSchema.safeParse(data.eventSetup)
  const venue = VenueSetupSchema.safeParse(data.venueSetup)
  const tickets = TicketSetupSchema.safeParse(data.ticketSetup)
  if (!event.success || !venue.success || !tickets.success) return null
  const schedule = scheduleOf(event.data)
  if ('issues' in schedule) return null
  const media = SponsorsMediaSchema.safeParse(data.sponsorsMedia ?? {})
  const shownMedia = media.success && !media.data.skipped ? media.data : {}
  return presentEvent(
    {
      title: event.data.title,
      type: event.data.type,
      description: event.data.description ?? null,
      startsAt: schedule.startsAt,
      endsAt: schedule.endsAt,
      timezone: canonicalTimeZone(event.data.timezone) ?? event.data.timezone,
      venueMode: venue.data.mode,
      venue: venue.data.mode === 'virtual' ? null : (venue.data.venue ?? null),
      coverImageUrl: shownMedia.coverImageUrl ?? null,
      sponsors: shownMedia.sponsors ?? [],
      tiers: tickets.data.tiers.filter((tier) => !tier.hidden),
    },
    { locale },
  )
}
