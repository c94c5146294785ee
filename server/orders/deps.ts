import type Stripe from 'stripe'
import type { Database } from '../../db/client'

/** What paid orders need: Stripe, where the buyer comes back to, and the platform's cut. */
export interface OrderPayments {
  stripe: Stripe
  appUrl: string
  /** Basis points of an order's total kept by the platform (PLATFORM_FEE_BPS). */
  platformFeeBps: number
}

/** What the order core needs from the app: the database, the clock and the secret of order keys. */
export interface OrderDeps {
  db: Database
  now: () => Date
  accessSecret: string
  /** Absent when this server has no Stripe keys: only free tickets can be ordered then. */
  payments?: OrderPayments | null
}
