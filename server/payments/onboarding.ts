import { and, eq } from 'drizzle-orm'
import { withRls } from '../../db/rls'
import { organizationMembers } from '../../db/schema'
import type { AuthenticatedClaims } from '../auth/identity'
import { DomainError } from '../errors'
import { type Actor, audited } from '../wizard/audit'
import { type ConnectedAccount, ensureOpen, evaluate, loadSession, saveChange, stageDataOf } from '../wizard/session-state'
import { getWizard } from '../wizard/sessions'
import { connectedAccountOf, ensurePaymentAccount, findPaymentAccount, ownerOf, syncPaymentAccount } from './accounts'
import { type PaymentDeps, requireStripe } from './deps'

/** Where Stripe sends the organizer back: `return` when onboarding is done or left, `refresh` when the link expired. */
export const onboardingPath = (sessionId: string, end: 'return' | 'refresh') => `/wizard/${sessionId}/payments/${end}`

/**
 * Starts (or resumes) Stripe Connect onboarding for a session: the organization's (or owner's)
 * connected account, created once and reused by all their events, is linked to the session, and a
 * fresh account link is returned — links are single-use and expire, so one is never stored.
 */
export async function startOnboarding(deps: PaymentDeps, actor: Actor, sessionId: string): Promise<{ url: string }> {
  const { client } = requireStripe(deps)
  const session = await sessionToOnboard(deps, actor.claims, sessionId)
  const account = await ensurePaymentAccount(deps.db, client, ownerOf(session))
  await audited(
    deps.db,
    actor,
    { action: 'startPaymentOnboarding', sessionId, stage: 'paymentSetup', payload: { accountId: account.stripeAccountId } },
    async (tx, entry) => {
      const now = deps.now()
      const row = await loadSession(tx, sessionId, { lock: true })
      entry.organizationId = row.organizationId
      ensureOpen(row, now)
      const progress = evaluate(row, stageDataOf(row), now)
      return saveChange(tx, row, now, progress, { stripeAccountId: account.stripeAccountId })
    },
    () => getWizard(deps, actor.claims, sessionId),
  )
  const link = await client.accountLinks.create({
    account: account.stripeAccountId,
    type: 'account_onboarding',
    refresh_url: `${deps.appUrl}${onboardingPath(sessionId, 'refresh')}`,
    return_url: `${deps.appUrl}${onboardingPath(sessionId, 'return')}`,
  })
  return { url: link.url }
}

/**
 * The session as its reader sees it, open for changes. An organization's payouts are its owner's or
 * an admin's to set up: onboarding decides where the organization's money goes.
 */
async function sessionToOnboard(deps: PaymentDeps, claims: AuthenticatedClaims, sessionId: string) {
  return withRls(deps.db, claims, async (tx) => {
    const row = await loadSession(tx, sessionId, { lock: false })
    ensureOpen(row, deps.now())
    if (row.organizationId) {
      const [membership] = await tx
        .select({ role: organizationMembers.role })
        .from(organizationMembers)
        .where(and(eq(organizationMembers.organizationId, row.organizationId), eq(organizationMembers.userId, claims.sub)))
      if (membership?.role !== 'owner' && membership?.role !== 'admin') {
        throw new DomainError('FORBIDDEN', "Only the organization's owner or an admin can set up its payouts.")
      }
    }
    return row
  })
}

/**
 * The organizer is back from Stripe (done, left, or with an expired link): the account is read again,
 * so the payment stage tells the truth before the webhook arrives. Anyone who can read the session
 * may ask; it only stores what Stripe says. Answers the account as it is now.
 */
export async function rereadConnectedAccount(deps: PaymentDeps, claims: AuthenticatedClaims, sessionId: string): Promise<ConnectedAccount | null> {
  const { client } = requireStripe(deps)
  const session = await withRls(deps.db, claims, (tx) => loadSession(tx, sessionId, { lock: false }))
  const account = await findPaymentAccount(deps.db, ownerOf(session))
  if (!account || account.disconnectedAt) return null
  return connectedAccountOf(await syncPaymentAccount(deps.db, client, account))
}
