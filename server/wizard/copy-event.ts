import type { WizardData } from './validation'

/** What a stage's stored data is: an object of fields, or nothing. */
const fieldsOf = (value: unknown): Record<string, unknown> | undefined =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined

const without = (fields: Record<string, unknown> | undefined, keys: readonly string[]) =>
  fields ? Object.fromEntries(Object.entries(fields).filter(([key]) => !keys.includes(key))) : undefined

/** The event's dates and times: a copy is a new occurrence, so the organizer sets them again. */
const WHEN = ['date', 'startTime', 'endDate', 'endTime'] as const
/** A tier's sales window belongs to the dates it was set for; its id, to the event it was sold for. */
const TIER_OF_SOURCE = ['salesStart', 'salesEnd', 'id'] as const

/**
 * The stages of a new wizard copied from a published event's: everything the organizer entered except
 * the dates and the tiers' sales windows (the time zone stays). Payment and review are not copied: the
 * payment stage is read from the connected account, and review is the new wizard's own.
 */
export function stagesOfCopy(source: WizardData): Pick<WizardData, 'organizerSetup' | 'eventSetup' | 'venueSetup' | 'ticketSetup' | 'sponsorsMedia'> {
  const tickets = fieldsOf(source.ticketSetup)
  const tiers = Array.isArray(tickets?.tiers) ? tickets.tiers.map((tier) => without(fieldsOf(tier), TIER_OF_SOURCE) ?? {}) : undefined
  return {
    organizerSetup: fieldsOf(source.organizerSetup),
    eventSetup: without(fieldsOf(source.eventSetup), WHEN),
    venueSetup: fieldsOf(source.venueSetup),
    ticketSetup: tickets ? { ...tickets, ...(tiers ? { tiers } : {}) } : undefined,
    sponsorsMedia: fieldsOf(source.sponsorsMedia),
  }
}
