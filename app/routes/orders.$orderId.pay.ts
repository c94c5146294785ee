import { type LoaderFunctionArgs, redirect } from '@remix-run/node'
import { TRPCError } from '@trpc/server'
import { callerFor } from '../lib/caller.server'
import { withKey } from '../lib/order-page.server'

/** "Continue to payment" from a pending order's page: its Checkout page while open, else the order page again. */
export async function loader(args: LoaderFunctionArgs) {
  const orderId = args.params.orderId ?? ''
  const key = new URL(args.request.url).searchParams.get('key') ?? undefined
  const caller = await callerFor(args)
  const { url } = await caller.orders.checkout({ orderId, accessKey: key }).catch((error: unknown) => {
    if (error instanceof TRPCError && (error.code === 'NOT_FOUND' || error.code === 'BAD_REQUEST')) {
      throw new Response('Not found', { status: 404 })
    }
    throw error
  })
  return redirect(url ?? withKey(`/orders/${orderId}`, key), { status: 303, headers: { 'Cache-Control': 'private, no-store' } })
}
