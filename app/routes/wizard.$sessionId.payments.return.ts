import { type LoaderFunctionArgs, redirect } from '@remix-run/node'
import { SessionInputSchema } from '../../server/wizard/inputs'
import { rereadAccount } from '../lib/payments.server'
import { requireUser } from '../lib/session.server'
import { stagePath } from '../lib/wizard-route.server'

/** Stripe sends the organizer here when they finish or leave onboarding: the account is read again, then the payment stage shows where it stands. */
export async function loader(args: LoaderFunctionArgs) {
  const claims = await requireUser(args)
  const parsed = SessionInputSchema.safeParse({ sessionId: args.params.sessionId })
  if (!parsed.success) throw new Response('Not found', { status: 404 })
  await rereadAccount(args.context, claims, parsed.data.sessionId)
  return redirect(stagePath(parsed.data.sessionId, 'paymentSetup'))
}
