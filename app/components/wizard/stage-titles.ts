import type { StageId } from '../../../server/wizard/stages'

/** Each stage in the organizer's words: its title, the stepper's short label and what it asks. */
export const stageTitles: Record<StageId, { title: string; short: string; lead: string }> = {
  organizerSetup: { title: 'About you', short: 'Organizer', lead: 'Who is organizing, so guests and we can reach you.' },
  eventSetup: { title: 'Your event', short: 'Event', lead: 'What it is, and when it happens in its own time zone.' },
  venueSetup: { title: 'Where it happens', short: 'Venue', lead: 'A venue, an online room, or both.' },
  ticketSetup: { title: 'Tickets', short: 'Tickets', lead: 'One or more tiers, free or paid, in one currency.' },
  paymentSetup: { title: 'Payments', short: 'Payment', lead: 'Paid tickets need a payout account; free events need nothing here.' },
  sponsorsMedia: { title: 'Sponsors & media', short: 'Sponsors', lead: 'A cover image and your sponsors. Optional: you can skip it.' },
  reviewPublish: { title: 'Review & publish', short: 'Publish', lead: 'Check everything, then make the event public.' },
}
