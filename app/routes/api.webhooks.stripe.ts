import type { ActionFunctionArgs } from '@remix-run/node'
import { paymentDepsOf } from '../../server/payments/deps'
import { receiveStripeWebhook } from '../../server/payments/webhook'

/**
 * Stripe's webhook deliveries. The signature covers the raw body, so it is read as text, untouched;
 * the core verifies, stores and processes the event, and says what to answer (non-2xx: Stripe retries).
 */
export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== 'POST') return new Response('Method not allowed', { status: 405, headers: { Allow: 'POST' } })
  const answer = await receiveStripeWebhook(paymentDepsOf(context.app), await request.text(), request.headers.get('stripe-signature'))
  const log = { requestId: context.requestId, status: answer.status, outcome: answer.outcome }
  if (answer.status === 500) context.app.logger.error({ ...log, err: answer.error }, 'stripe webhook failed')
  else if (answer.status === 200) context.app.logger.info(log, 'stripe webhook')
  else context.app.logger.warn(log, 'stripe webhook refused')
  return Response.json({ received: answer.status === 200, outcome: answer.outcome }, { status: answer.status })
}
