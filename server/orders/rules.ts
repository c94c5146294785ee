import { DomainError, type FieldIssue } from '../errors'
import { type EventSales, saleStateOf, type TierSales } from './sale-state'
import { MAX_TICKETS_PER_ORDER, type PlaceOrderInput } from './schemas'

/** Whether an event can take a payment now: on, and its organizer's Stripe account able to charge. */
export type PaymentReadiness = 'ready' | 'off' | 'not_configured' | 'account_not_ready'

export interface OrderableEvent extends EventSales {
  status: string
  endsAt: Date | null
  payments: PaymentReadiness
}

export interface OrderableTier extends TierSales {
  id: string
  name: string
  price: number
  currency: string
  hidden: boolean
  minPerOrder: number | null
  maxPerOrder: number | null
}

export interface OrderLine {
  tier: OrderableTier
  quantity: number
}

/**
 * Every rule of an order, from the rows as they are now (never from what a page showed). Throws the
 * first kind of failure with all its issues: what the buyer chose (BAD_REQUEST), then whether it can be
 * sold now (PRECONDITION_FAILED). Seats are not counted here: the conditional updates do that.
 */
export function checkOrder(event: OrderableEvent, tiers: OrderableTier[], items: PlaceOrderInput['items'], now: Date): OrderLine[] {
  if (event.status === 'cancelled') throw new DomainError('PRECONDITION_FAILED', 'This event is cancelled: registration has closed.')
  if (event.status !== 'published') throw new DomainError('NOT_FOUND', 'This event was not found.')
  if (now >= (event.endsAt ?? event.startsAt)) {
    throw new DomainError('PRECONDITION_FAILED', 'This event is over: registration has closed.')
  }
  const byId = new Map(tiers.map((tier) => [tier.id, tier]))
  const choices: FieldIssue[] = []
  const lines: OrderLine[] = []
  items.forEach((item, index) => {
    const tier = byId.get(item.tierId)
    // A hidden tier is answered like an unknown one: the public page does not reveal it exists.
    if (!tier || tier.hidden) {
      choices.push({ path: `items.${index}.tierId`, message: 'This ticket type is not available.' })
      return
    }
    const min = tier.minPerOrder ?? 1
    if (item.quantity < min) {
      choices.push({ path: `items.${index}.quantity`, message: `Choose at least ${min} “${tier.name}” tickets.` })
    }
    if (tier.maxPerOrder !== null && item.quantity > tier.maxPerOrder) {
      choices.push({ path: `items.${index}.quantity`, message: `Choose at most ${tier.maxPerOrder} “${tier.name}” tickets.` })
    }
    lines.push({ tier, quantity: item.quantity })
  })
  const total = items.reduce((sum, item) => sum + item.quantity, 0)
  if (total > MAX_TICKETS_PER_ORDER) {
    choices.push({ path: 'items', message: `An order holds at most ${MAX_TICKETS_PER_ORDER} tickets.` })
  }
  if (new Set(lines.map((line) => line.tier.currency)).size > 1) {
    choices.push({ path: 'items', message: 'Choose tickets priced in one currency.' })
  }
  if (choices.length > 0) throw new DomainError('BAD_REQUEST', choices[0]!.message, { issues: choices })

  const unsold: FieldIssue[] = []
  lines.forEach((line, index) => {
    const state = saleStateOf(line.tier, event, now)
    if (state === 'not_yet') unsold.push({ path: `items.${index}.tierId`, message: `“${line.tier.name}” is not on sale yet.` })
    if (state === 'closed') unsold.push({ path: `items.${index}.tierId`, message: `Sales of “${line.tier.name}” have closed.` })
  })
  if (unsold.length > 0) throw new DomainError('PRECONDITION_FAILED', unsold[0]!.message, { issues: unsold })

  const paid = lines.filter((line) => line.tier.price > 0)
  if (paid.length > 0 && event.payments !== 'ready') {
    const name = `“${paid[0]!.tier.name}”`
    const message = {
      off: `${name} cannot be bought: this event does not take payments.`,
      not_configured: `${name} cannot be bought online: payments are not configured on this server.`,
      account_not_ready: `${name} cannot be bought right now: the organizer's payment account cannot take payments yet.`,
    }[event.payments]
    throw new DomainError('PRECONDITION_FAILED', message, {
      issues: paid.map((line) => ({ path: `items.${lines.indexOf(line)}.tierId`, message })),
    })
  }
  return lines
}
