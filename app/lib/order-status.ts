/** An order's status in the buyer's words. */
export const orderStatusLabels: Record<string, string> = {
  pending: 'Waiting for payment',
  confirmed: 'Confirmed',
  expired: 'Expired: the seats were released',
  cancelled: 'Cancelled',
  refunded: 'Refunded',
}
