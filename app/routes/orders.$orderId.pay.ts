import { type LoaderFunctionArgs, redirect } from '@remix-run/node'
import { callerFor } from '../lib/caller.server'
import { notFoundAs404 } from '../lib/form-errors.server'
import { withKey } from '../lib/order-page.server'

/** "Continue to payment" from a pending order's page: its Checkout page while open, else the order page again. */
export async function loader(args: LoaderFunctionArgs) {
  const orderId = args.params.orderId ?? ''
  const key = new URL(args.request.url).searchParams.get('key') ?? undefined
  const caller = await callerFor(args)
  const { url } = await caller.orders.checkout({ orderId, accessKey: key }).catch(notFoundAs404)
  return redirect(url ?? withKey(`/orders/${orderId}`, key), { status: 303, headers: { 'Cache-Control': 'private, no-store' } })
}
