import type { ActionFunctionArgs } from '@remix-run/node'
import { coreDepsOf } from '../../server/core-deps'
import { MAX_WEBHOOK_BODY_BYTES, receiveStripeWebhook } from '../../server/payments/webhook'
import { readTextWithin } from '../../server/request-body'

/**
 * Stripe's webhook deliveries. The signature covers the raw body, so it is read as text, untouched;
 * the core verifies, stores and processes the event, and says what to answer (non-2xx: Stripe retries).
 */
export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== 'POST') return new Response('Method not allowed', { status: 405, headers: { Allow: 'POST' } })
  const payload = await readTextWithin(request, MAX_WEBHOOK_BODY_BYTES)
  const answer =
    payload === null
      ? ({ status: 413, outcome: 'the body is larger than any Stripe event (1 MB)' } as const)
      : await receiveStripeWebhook(coreDepsOf(context.app), payload, request.headers.get('stripe-signature'))
  const log = { requestId: context.requestId, status: answer.status, outcome: answer.outcome }
  if (answer.status === 500) context.app.logger.error({ ...log, err: answer.error }, 'stripe webhook failed')
  else if (answer.status === 200) context.app.logger.info(log, 'stripe webhook')
  else context.app.logger.warn(log, 'stripe webhook refused')
  // The rest of an oversized body is never read: close the connection instead of draining it.
  const headers = answer.status === 413 ? { Connection: 'close' } : undefined
  return Response.json({ received: answer.status === 200, outcome: answer.outcome }, { status: answer.status, headers })
}
