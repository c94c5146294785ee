/**
 * One Zod schema per stage, with the wizard's field names (a contract shared by the forms, the copilot and
 * the typed API). Strict objects: an unknown key is refused, never silently dropped. Rules that need the
 * clock or another stage live in validation.ts; rules inside one stage live here in `superRefine`.
 */
import { z } from 'zod'
import { eventTypes, venueModes } from '../../db/vocabulary'
import {
  booleanFlag,
  calendarDate,
  clockTime,
  count,
  countryCode,
  currencyCode,
  everyTime,
  httpsUrl,
  isCurrencyCode,
  isoDateTime,
  optionalText,
  passes,
  requiredText,
  says,
  timeZone,
  wholeNumber,
} from './fields'
import type { StageId } from './stages'

const OBJECT = "Send this stage's fields as an object."

const PHONE = 'Use a phone number such as +33 1 23 45 67 89.'

export const OrganizerSetupSchema = z.strictObject(
  {
    name: requiredText({ missing: 'Add your name.', max: 120 }),
    organization: requiredText({ missing: "Add your organization's name.", max: 120 }),
    email: z.email(says('Add an e-mail address.', 'Use an e-mail address such as name@example.com.')).max(254, 'Use at most 254 characters.'),
    phone: z
      .string(says(PHONE, PHONE))
      .regex(/^\+?[0-9 ()\-]{7,20}$/, PHONE)
      .optional(),
  },
  says(OBJECT, OBJECT),
)

export { eventTypes, venueModes }

const EVENT_TYPE = 'Choose fashion_show, popup, exhibition, launch or other.'

export const EventSetupSchema = z
  .strictObject(
    {
      title: requiredText({ missing: 'Add a title.', min: 3, max: 120 }),
      type: z.enum(eventTypes, says(EVENT_TYPE, EVENT_TYPE)),
      description: optionalText(5000),
      date: calendarDate('Add the date of the event.'),
      startTime: clockTime('Add the time the event starts.'),
      endDate: calendarDate('').optional(),
      endTime: clockTime('').optional(),
      timezone: timeZone(),
    },
    says(OBJECT, OBJECT),
  )
  .check(
    everyTime((event, ctx) => {
      // An end date alone says nothing about when the event ends.
      if (event.endDate !== undefined && event.endTime === undefined) {
        ctx.addIssue({ code: 'custom', path: ['endTime'], message: 'Add the time the event ends.' })
      }
    }),
  )

const VENUE_MODE = 'Choose physical, virtual or hybrid.'
const VENUE_MISSING = "Add the venue's address."
const ONLINE_MISSING = 'Add the link to the online event.'

const VenueSchema = z.strictObject(
  {
    name: requiredText({ missing: "Add the venue's name.", max: 120 }),
    address: requiredText({ missing: 'Add the street address.', max: 200 }),
    city: requiredText({ missing: 'Add the city.', max: 100 }),
    country: countryCode('Add the country.'),
    postalCode: optionalText(20),
    capacity: wholeNumber({ missing: '', min: 1, max: 1_000_000, range: `Use a number from 1 to ${count(1_000_000)}.` }).optional(),
  },
  says(VENUE_MISSING, "Send the venue's details as an object."),
)

const OnlineSchema = z.strictObject(
  { url: httpsUrl(ONLINE_MISSING), platform: optionalText(60) },
  says(ONLINE_MISSING, "Send the online event's details as an object."),
)

export const VenueSetupSchema = z
  .strictObject(
    {
      mode: z.enum(venueModes, says(VENUE_MODE, VENUE_MODE)),
      venue: VenueSchema.optional(),
      online: OnlineSchema.optional(),
    },
    says(OBJECT, OBJECT),
  )
  .superRefine((setup, ctx) => {
    if (setup.mode !== 'virtual' && setup.venue === undefined) ctx.addIssue({ code: 'custom', path: ['venue'], message: VENUE_MISSING })
    if (setup.mode !== 'physical' && setup.online === undefined) ctx.addIssue({ code: 'custom', path: ['online'], message: ONLINE_MISSING })
  })

/** Order limits and the total capacity: any whole number from 1. */
const positive = wholeNumber({ missing: '', min: 1, max: Number.MAX_SAFE_INTEGER, range: 'Use a whole number of at least 1.' })

const tierQuantity = wholeNumber({
  missing: 'Add how many tickets this tier offers.',
  min: 1,
  max: 1_000_000,
  range: `Use a number from 1 to ${count(1_000_000)}.`,
})
const salesTime = isoDateTime()

const TierFields = z.strictObject(
  {
    name: requiredText({ missing: 'Name this ticket tier.', max: 80 }),
    price: wholeNumber({ missing: 'Add a price (0 for free tickets).', min: 0, max: 100_000_000, range: `Use a price from 0 to ${count(100_000_000)}.` }),
    currency: currencyCode('Add a currency such as EUR.'),
    quantity: tierQuantity,
    description: optionalText(500),
    salesStart: salesTime.optional(),
    salesEnd: salesTime.optional(),
    minPerOrder: positive.optional(),
    maxPerOrder: positive.optional(),
    hidden: booleanFlag().optional(),
    /** In an edit session: which of the published event's tiers this is (a new tier has none). */
    id: z.uuid({ message: "Use the id of one of the event's tiers, or none for a new tier." }).optional(),
  },
  says('Add the ticket tier.', "Send each tier's details as an object."),
)
type TierFields = z.output<typeof TierFields>

/** The tier's own limits against each other. */
function tierLimits(tier: TierFields, ctx: z.core.$RefinementCtx<TierFields>) {
  // This runs even when a field's own check failed (everyTime): compare only values that passed
  // theirs, so one wrong value gives one message.
  const { salesStart, salesEnd } = tier
  if (passes(salesTime, salesStart) && passes(salesTime, salesEnd) && Date.parse(salesStart!) >= Date.parse(salesEnd!)) {
    ctx.addIssue({ code: 'custom', path: ['salesEnd'], message: 'Ticket sales must end after they start.' })
  }
  const min = passes(positive, tier.minPerOrder) ? tier.minPerOrder : undefined
  const max = passes(positive, tier.maxPerOrder) ? tier.maxPerOrder : undefined
  if (!passes(tierQuantity, tier.quantity)) return
  const quantity = tier.quantity
  if (min !== undefined && max !== undefined && min > max) {
    ctx.addIssue({ code: 'custom', path: ['maxPerOrder'], message: `Use a maximum no smaller than the minimum per order (${count(min)}).` })
  } else if (max !== undefined && max > quantity) {
    ctx.addIssue({ code: 'custom', path: ['maxPerOrder'], message: `Use a maximum no larger than the tier's quantity (${count(quantity)}).` })
  } else if (max === undefined && min !== undefined && min > quantity) {
    // Nobody could buy such a tier: one order would need more tickets than it holds.
    ctx.addIssue({ code: 'custom', path: ['minPerOrder'], message: `Use a minimum no larger than the tier's quantity (${count(quantity)}).` })
  }
}

export const TicketTierSchema = TierFields.check(everyTime(tierLimits))

export const TicketSetupSchema = z
  .strictObject(
    {
      tiers: z
        .array(TicketTierSchema, says('Add at least one ticket tier.', 'Send the ticket tiers as a list.'))
        .min(1, 'Add at least one ticket tier.')
        .max(20, 'Use at most 20 ticket tiers.'),
      totalCapacity: positive.optional(),
    },
    says(OBJECT, OBJECT),
  )
  .check(
    everyTime((setup, ctx) => {
      // Tiers may still be partly wrong here (everyTime): each comparison reads only valid values.
      const tiers: unknown[] = Array.isArray(setup.tiers) ? setup.tiers : []
      const tierAt = (index: number) => (typeof tiers[index] === 'object' && tiers[index] !== null ? (tiers[index] as Partial<TicketTier>) : {})
      const first = tierAt(0).currency
      const seen = new Set<string>()
      tiers.forEach((_, index) => {
        const tier = tierAt(index)
        // A malformed code already has its own message; comparing it would only add noise.
        if (isCurrencyCode(first) && isCurrencyCode(tier.currency) && tier.currency !== first) {
          ctx.addIssue({ code: 'custom', path: ['tiers', index, 'currency'], message: `All tiers of an event use one currency (${first}).` })
        }
        // Buyers tell tiers apart by name, so "VIP" and "vip " are the same tier to them.
        if (!passes(TierFields.shape.name, tier.name)) return
        const key = tier.name!.trim().toLowerCase()
        if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['tiers', index, 'name'], message: `Another tier is already called "${tier.name!.trim()}".` })
        seen.add(key)
      })
      // A sum is only meaningful once every quantity and the capacity are valid.
      const { totalCapacity } = setup
      if (totalCapacity === undefined || !passes(positive, totalCapacity)) return
      if (tiers.length === 0 || !tiers.every((_, index) => passes(tierQuantity, tierAt(index).quantity))) return
      const total = tiers.reduce<number>((sum, _, index) => sum + tierAt(index).quantity!, 0)
      if (total > totalCapacity) {
        ctx.addIssue({
          code: 'custom',
          path: ['totalCapacity'],
          message: `The tiers offer ${count(total)} tickets, more than the total capacity (${count(totalCapacity)}).`,
        })
      }
    }),
  )

export const paymentStatuses = ['not_required', 'not_connected', 'pending', 'verified'] as const

/** Written by the server only (from Stripe), never by a form or the copilot. */
export const PaymentSetupSchema = z.strictObject({
  status: z.enum(paymentStatuses),
  accountId: z.string().max(255).optional(),
  chargesEnabled: z.boolean().optional(),
  requirements: z.array(z.string().max(500)).max(100).optional(),
})

export const SponsorSchema = z.strictObject(
  {
    name: requiredText({ missing: "Add the sponsor's name.", max: 120 }),
    url: httpsUrl().optional(),
    logoUrl: httpsUrl().optional(),
    level: optionalText(40),
  },
  says("Add the sponsor's details.", "Send each sponsor's details as an object."),
)

export const SponsorsMediaSchema = z.strictObject(
  {
    coverImageUrl: httpsUrl().optional(),
    sponsors: z.array(SponsorSchema, says('', 'Send the sponsors as a list.')).max(30, 'Use at most 30 sponsors.').optional(),
    skipped: booleanFlag().optional(),
  },
  says(OBJECT, OBJECT),
)

export const ReviewPublishSchema = z.strictObject({}, says(OBJECT, OBJECT))

export type OrganizerSetup = z.infer<typeof OrganizerSetupSchema>
export type EventSetup = z.infer<typeof EventSetupSchema>
export type VenueSetup = z.infer<typeof VenueSetupSchema>
export type TicketTier = z.infer<typeof TicketTierSchema>
export type TicketSetup = z.infer<typeof TicketSetupSchema>
export type PaymentSetup = z.infer<typeof PaymentSetupSchema>
export type Sponsor = z.infer<typeof SponsorSchema>
export type SponsorsMedia = z.infer<typeof SponsorsMediaSchema>
export type ReviewPublish = z.infer<typeof ReviewPublishSchema>

export const stageSchemas = {
  organizerSetup: OrganizerSetupSchema,
  eventSetup: EventSetupSchema,
  venueSetup: VenueSetupSchema,
  ticketSetup: TicketSetupSchema,
  paymentSetup: PaymentSetupSchema,
  sponsorsMedia: SponsorsMediaSchema,
  reviewPublish: ReviewPublishSchema,
} as const satisfies { [S in StageId]: z.ZodType }

export type StageData = { [S in StageId]: z.infer<(typeof stageSchemas)[S]> }
