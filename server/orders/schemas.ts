import { z } from 'zod'
import { storableString } from '../storable-text'

/** The most tickets one order may hold, whatever the tiers allow. */
export const MAX_TICKETS_PER_ORDER = 50

const TierId = z.uuid({ message: 'Choose a ticket type of this event.' })

/** What a buyer sends to register or buy: the typed API's input and the event page form's, once. */
export const PlaceOrderInputSchema = z.object({
  eventId: z.uuid({ message: 'Give the id of an event.' }),
  items: z
    .array(
      z.object({
        tierId: TierId,
        quantity: z
          .int({ message: 'Choose how many tickets.' })
          .min(1, { message: 'Choose at least one ticket.' })
          .max(MAX_TICKETS_PER_ORDER, { message: `At most ${MAX_TICKETS_PER_ORDER} tickets per order.` }),
      }),
    )
    .min(1, { message: 'Choose at least one ticket.' })
    .max(20, { message: 'An order holds at most 20 ticket types.' })
    .refine((items) => new Set(items.map((item) => item.tierId)).size === items.length, {
      message: 'List each ticket type once.',
    }),
  buyer: z.object({
    name: z.string().trim().min(1, { message: 'Add your name.' }).max(120, { message: 'Use at most 120 characters.' }),
    email: z.email({ message: 'Use an e-mail address such as name@example.com.' }).max(254, { message: 'Use at most 254 characters.' }),
  }),
})
export type PlaceOrderInput = z.infer<typeof PlaceOrderInputSchema>

/** An order by its id; the key from the buyer's link, when they came through it. */
export const GetOrderInputSchema = z.object({
  orderId: z.uuid({ message: 'Give the id of an order.' }),
  accessKey: z.string().min(1).max(200).optional(),
})
export type GetOrderInput = z.infer<typeof GetOrderInputSchema>

/**
 * The event page's form: a quantity per tier (0 for the tiers not chosen), the buyer, and a nonce the
 * page draws once so a double-submitted form places one order (it becomes the Idempotency-Key).
 */
export const RegistrationFormSchema = z.object({
  // Coerced here: Conform turns form text into numbers for fields it knows, not for a record's values.
  quantities: z.record(
    z.uuid(),
    z.coerce
      .number({ message: 'Choose how many tickets.' })
      .int({ message: 'Choose how many tickets.' })
      .min(0)
      .max(MAX_TICKETS_PER_ORDER, { message: `At most ${MAX_TICKETS_PER_ORDER} tickets per order.` }),
  ),
  buyer: PlaceOrderInputSchema.shape.buyer,
  nonce: z.string().regex(/^[\w-]{16,64}$/, { message: 'Reload the page and try again.' }),
})
export type RegistrationForm = z.infer<typeof RegistrationFormSchema>

/** How many attendees a page lists unless asked otherwise, and the most it lists. */
export const ATTENDEES_PAGE_SIZE = 25
export const MAX_ATTENDEES_PAGE_SIZE = 100
export const MAX_ATTENDEE_SEARCH_LENGTH = 100
/** Far past any event's last page: it only keeps the offset a small number. */
const MAX_ATTENDEE_PAGE = 100_000

const EventId = z.uuid({ message: 'Give the id of an event.' })

/** One event's sales, for its people: its publisher and its organization's members. */
export const EventSalesInputSchema = z.object({ eventId: EventId })
export type EventSalesInput = z.infer<typeof EventSalesInputSchema>

/** A page of one event's attendees, optionally those matching a name, an e-mail or a ticket code. */
export const EventAttendeesInputSchema = z.object({
  eventId: EventId,
  search: storableString()
    .trim()
    .max(MAX_ATTENDEE_SEARCH_LENGTH, { message: `Search with at most ${MAX_ATTENDEE_SEARCH_LENGTH} characters.` })
    .optional(),
  page: z
    .int({ message: 'Give a page number.' })
    .min(1, { message: 'Pages are numbered from 1.' })
    .max(MAX_ATTENDEE_PAGE, { message: `Ask for page ${MAX_ATTENDEE_PAGE} or lower.` })
    .default(1),
  limit: z
    .int({ message: 'Give how many attendees a page lists.' })
    .min(1, { message: 'Ask for at least one attendee.' })
    .max(MAX_ATTENDEES_PAGE_SIZE, { message: `Ask for at most ${MAX_ATTENDEES_PAGE_SIZE} attendees a page.` })
    .default(ATTENDEES_PAGE_SIZE),
})
export type EventAttendeesInput = z.infer<typeof EventAttendeesInputSchema>

/** `events.cancel`: which event, and what its attendees are told (on the public page and by e-mail). */
export const CancelEventInputSchema = z.object({
  eventId: z.uuid({ message: 'Give the id of an event.' }),
  message: z
    .string({ message: 'Write the message to attendees as text.' })
    .trim()
    .max(2000, { message: 'Keep the message to attendees to 2,000 characters.' })
    .default(''),
})
export type CancelEventInput = z.input<typeof CancelEventInputSchema>
