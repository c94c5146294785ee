import { z } from 'zod'

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
    email: z
      .email({ message: 'Use an e-mail address such as name@example.com.' })
      .max(254, { message: 'Use at most 254 characters.' }),
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
    z.coerce.number({ message: 'Choose how many tickets.' }).int({ message: 'Choose how many tickets.' }).min(0).max(MAX_TICKETS_PER_ORDER, { message: `At most ${MAX_TICKETS_PER_ORDER} tickets per order.` }),
  ),
  buyer: PlaceOrderInputSchema.shape.buyer,
  nonce: z.string().regex(/^[\w-]{16,64}$/, { message: 'Reload the page and try again.' }),
})
export type RegistrationForm = z.infer<typeof RegistrationFormSchema>
