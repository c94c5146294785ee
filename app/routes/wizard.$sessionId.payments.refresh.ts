import { type LoaderFunctionArgs, redirect } from '@remix-run/node'
import { TRPCError } from '@trpc/server'
import { SessionInput } from '../../server/wizard/inputs'
import { callerFor } from '../lib/caller.server'
import { rereadAccount } from '../lib/payments.server'
import { requireUser } from '../lib/session.server'
import { stagePath } from '../lib/wizard-route.server'

/**
 * Stripe sends the organizer here when an onboarding link expired or was used already. The account is
 * read again: if Stripe already enabled charges, the payment stage says so; otherwise a fresh link
 * goes straight back to Stripe. When that is refused (the wizard is closed, payments went away), the
 * payment stage says why.
 */
export async function loader(args: LoaderFunctionArgs) {
  const claims = await requireUser(args)
  const parsed = SessionInput.safeParse({ sessionId: args.params.sessionId })
  if (!parsed.success) throw new Response('Not found', { status: 404 })
  const { sessionId } = parsed.data
  const account = await rereadAccount(args.context, claims, sessionId)
  if (account?.chargesEnabled) return redirect(stagePath(sessionId, 'paymentSetup'))
  try {
    const { url } = await (await callerFor(args)).payments.startOnboarding({ sessionId })
    return redirect(url)
  } catch (error) {
    if (!(error instanceof TRPCError) || error.code === 'INTERNAL_SERVER_ERROR') throw error
    if (error.code === 'NOT_FOUND') throw new Response('Not found', { status: 404 })
    return redirect(stagePath(sessionId, 'paymentSetup'))
  }
}
