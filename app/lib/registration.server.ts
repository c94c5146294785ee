import type { Submission } from '@conform-to/react'
import { data } from '@remix-run/node'
import { MAX_TICKETS_PER_ORDER, type PlaceOrderInput, type RegistrationForm } from '../../server/orders/schemas'
import type { RegistrationTier } from '../components/registration-form'
import { refusalOrThrow } from './form-errors.server'

/** The tiers the buyer chose (a quantity above 0), as the order's items. */
export function itemsOf(form: RegistrationForm): PlaceOrderInput['items'] {
  return Object.entries(form.quantities)
    .filter(([, quantity]) => quantity > 0)
    .map(([tierId, quantity]) => ({ tierId, quantity }))
}

/**
 * The core's refusal beside the field it concerns: an item's issue (`items.0.quantity`) goes to that
 * tier's picker, the buyer's to their field, anything else above the form.
 */
export function registrationErrorReply(submission: Submission<RegistrationForm>, error: unknown, items: PlaceOrderInput['items']) {
  const { issues, message, status, headers } = refusalOrThrow(error)
  const fieldErrors: Record<string, string[]> = {}
  const formErrors: string[] = []
  for (const issue of issues) {
    const item = /^items\.(\d+)/.exec(issue.path)
    const tierId = item ? items[Number(item[1])]?.tierId : undefined
    const path = tierId ? `quantities.${tierId}` : issue.path.startsWith('buyer.') ? issue.path : null
    if (path) (fieldErrors[path] ??= []).push(issue.message)
    else formErrors.push(issue.message)
  }
  if (formErrors.length === 0 && Object.keys(fieldErrors).length === 0) formErrors.push(message)
  return data(submission.reply({ formErrors, fieldErrors }), { status, headers })
}

/** A copy of the request's headers carrying the form's nonce as its Idempotency-Key. */
export function withIdempotencyKey(request: Request, key: string): Request {
  const headers = new Headers(request.headers)
  headers.set('idempotency-key', key)
  return new Request(request.url, { headers })
}

interface TierOnSale {
  id: string
  saleState: 'on_sale' | 'not_yet' | 'closed' | 'sold_out'
  remaining: number
  salesStart: Date | null
  minPerOrder: number | null
  maxPerOrder: number | null
}

/** Without a maximum of its own, a tier's picker goes up to this many (the typed API allows up to 50). */
const DEFAULT_PICKER_MAX = 10

/** What the buyer can do with each tier now: a picker within min, max and seats left, or why not. */
export function registrationStates(tiers: TierOnSale[], formatDate: (date: Date) => string): RegistrationTier['state'][] {
  return tiers.map((tier) => {
    if (tier.saleState === 'not_yet') {
      return { kind: 'unavailable', label: tier.salesStart ? `Sales open on ${formatDate(tier.salesStart)}` : 'Not on sale yet' }
    }
    if (tier.saleState === 'closed') return { kind: 'unavailable', label: 'Sales closed' }
    const min = tier.minPerOrder ?? 1
    const max = Math.min(tier.maxPerOrder ?? DEFAULT_PICKER_MAX, tier.remaining, MAX_TICKETS_PER_ORDER)
    if (tier.saleState === 'sold_out' || max < min) return { kind: 'unavailable', label: 'Sold out' }
    const choices = [0, ...Array.from({ length: max - min + 1 }, (_, index) => min + index)]
    return { kind: 'on_sale', left: `${tier.remaining} left`, choices }
  })
}
