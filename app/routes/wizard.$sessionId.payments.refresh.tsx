import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { TRPCError } from '@trpc/server'
import { useEffect, useRef } from 'react'
import { rereadAccount } from '../lib/payments.server'
import { requireWizard, stagePath } from '../lib/wizard-route.server'

export const meta: MetaFunction = () => [{ title: 'Back to Stripe · Event Wizard' }]

/**
 * Stripe sends the organizer here, with a GET, when an onboarding link expired or was used already.
 * A GET changes nothing: it shows a form that posts itself (a button when JavaScript is off); the
 * post reads the account again and, unless Stripe already enabled charges, goes back to Stripe with
 * a fresh link. When that is refused (the wizard is closed, payments went away), the stage says why.
 */
export async function loader(args: LoaderFunctionArgs) {
  await requireWizard(args)
  return null
}

export async function action(args: ActionFunctionArgs) {
  const { caller, state, claims } = await requireWizard(args)
  const { sessionId } = state
  const account = await rereadAccount(args.context, claims, sessionId)
  if (account?.chargesEnabled) return redirect(stagePath(sessionId, 'paymentSetup'))
  try {
    const { url } = await caller.payments.startOnboarding({ sessionId })
    return redirect(url)
  } catch (error) {
    if (!(error instanceof TRPCError) || error.code === 'INTERNAL_SERVER_ERROR') throw error
    if (error.code === 'NOT_FOUND') throw new Response('Not found', { status: 404 })
    return redirect(stagePath(sessionId, 'paymentSetup'))
  }
}

export default function RefreshOnboarding() {
  const form = useRef<HTMLFormElement>(null)
  // A native submit, not Remix's: the answer is a redirect to Stripe, which only a page load follows.
  useEffect(() => {
    form.current?.submit()
  }, [])
  return (
    <main className="page page--narrow">
      <h1>Back to Stripe</h1>
      <p>Your Stripe link expired or was already used. We will make you a new one.</p>
      <form method="post" ref={form}>
        <button type="submit" className="button button--primary">
          Continue to Stripe
        </button>
      </form>
    </main>
  )
}
