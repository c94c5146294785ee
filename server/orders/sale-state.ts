/** Where a tier's sales stand at a moment: the one rule the public page and placing an order share. */
export type SaleState = 'on_sale' | 'not_yet' | 'closed' | 'sold_out'

export interface TierSales {
  quantity: number
  reserved: number
  salesStart: Date | null
  salesEnd: Date | null
}

export interface EventSales {
  /** A cancelled event sells nothing, whatever its tiers say. */
  status?: string
  startsAt: Date
  capacity: number | null
  reserved: number
}

/** Seats left in a tier: its own, and no more than the event has left. */
export function remainingSeats(tier: TierSales, event: EventSales): number {
  const ofTier = tier.quantity - tier.reserved
  const ofEvent = event.capacity === null ? ofTier : event.capacity - event.reserved
  return Math.max(0, Math.min(ofTier, ofEvent))
}

/** Sales run from `salesStart` (or publishing) until `salesEnd`, which defaults to the event's start; never once cancelled. */
export function saleStateOf(tier: TierSales, event: EventSales, now: Date): SaleState {
  if (event.status === 'cancelled') return 'closed'
  if (tier.salesStart && now < tier.salesStart) return 'not_yet'
  if (now >= (tier.salesEnd ?? event.startsAt)) return 'closed'
  return remainingSeats(tier, event) > 0 ? 'on_sale' : 'sold_out'
}
