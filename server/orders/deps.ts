import type { Database } from '../../db/client'

/** What the order core needs from the app: the database, the clock and the secret of order keys. */
export interface OrderDeps {
  db: Database
  now: () => Date
  accessSecret: string
}
