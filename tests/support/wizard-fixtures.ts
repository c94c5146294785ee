/**
 * Valid data for every stage the organizer fills in, relative to an injected clock, so tests never
 * depend on today's date. Each call returns fresh objects: change them freely.
 */
import type { EventSetup, OrganizerSetup, SponsorsMedia, TicketSetup, VenueSetup } from '../../server/wizard/stage-schemas'
import type { StageContext, WizardData } from '../../server/wizard/validation'

export interface ValidStageData {
  organizerSetup: OrganizerSetup
  eventSetup: EventSetup
  venueSetup: VenueSetup
  ticketSetup: TicketSetup
  sponsorsMedia: SponsorsMedia
}

const DAY = 24 * 60 * 60 * 1000

/** `YYYY-MM-DD` of the UTC day `days` after `now`. */
export const dayAfter = (now: Date, days: number) => new Date(now.getTime() + days * DAY).toISOString().slice(0, 10)

/**
 * An evening show in Paris about three months after `now` (19:00–23:00, never near a clock change), in a
 * hybrid venue holding 300, with two free EUR tiers (250 tickets, total capacity 300) on sale from `now`
 * until a month before, and one sponsor.
 */
export function validStageData(now: Date): ValidStageData {
  return {
    organizerSetup: {
      name: 'Ada Martin',
      organization: 'Atelier Martin',
      email: 'ada@atelier-martin.example',
      phone: '+33 1 23 45 67 89',
    },
    eventSetup: {
      title: 'Autumn Collection Show',
      type: 'fashion_show',
      description: 'Twenty looks from the new collection, with music.',
      date: dayAfter(now, 90),
      startTime: '19:00',
      endTime: '23:00',
      timezone: 'Europe/Paris',
    },
    venueSetup: {
      mode: 'hybrid',
      venue: {
        name: 'Salle Pleyel',
        address: '252 Rue du Faubourg Saint-Honoré',
        city: 'Paris',
        country: 'FR',
        postalCode: '75008',
        capacity: 300,
      },
      online: { url: 'https://meet.example.com/autumn-show', platform: 'Meet' },
    },
    ticketSetup: {
      tiers: [
        {
          name: 'General admission',
          price: 0,
          currency: 'EUR',
          quantity: 200,
          salesStart: now.toISOString(),
          salesEnd: new Date(now.getTime() + 60 * DAY).toISOString(),
          maxPerOrder: 4,
        },
        { name: 'Press', price: 0, currency: 'EUR', quantity: 50, minPerOrder: 1, maxPerOrder: 2, hidden: true },
      ],
      totalCapacity: 300,
    },
    sponsorsMedia: {
      coverImageUrl: 'https://images.example.com/autumn-cover.jpg',
      sponsors: [{ name: 'Maison Textile', url: 'https://maison-textile.example', logoUrl: 'https://images.example.com/mt.png', level: 'Gold' }],
    },
  }
}

/** A context in which every stage the organizer fills in is valid: free tickets, not yet published. */
export function validContext(now: Date, overrides: { data?: WizardData } & Partial<Omit<StageContext, 'data'>> = {}): StageContext {
  const { data, ...rest } = overrides
  return { now, data: { ...validStageData(now), ...data }, paymentStatus: 'not_required', published: false, ...rest }
}
