import { and, eq, isNotNull } from 'drizzle-orm'
import type Stripe from 'stripe'
import type { Database } from '../../db/client'
import { asServiceRole } from '../../db/rls'
import { paymentAccounts } from '../../db/schema'
import type { ConnectedAccount } from '../wizard/session-state'

export type PaymentAccountRow = typeof paymentAccounts.$inferSelect

/** Whose connected account a session uses: its organization's, or its owner's when it has none. */
export type AccountOwner = { organizationId: string } | { userId: string }

export const ownerOf = (session: { organizationId: string | null; userId: string }): AccountOwner =>
  session.organizationId ? { organizationId: session.organizationId } : { userId: session.userId }

const ownerMatch = (owner: AccountOwner) =>
  'organizationId' in owner ? eq(paymentAccounts.organizationId, owner.organizationId) : eq(paymentAccounts.userId, owner.userId)

const ownerKey = (owner: AccountOwner) => ('organizationId' in owner ? `organization:${owner.organizationId}` : `user:${owner.userId}`)

/** What payment_accounts keeps of Stripe's account object. */
export const accountSnapshot = (account: Stripe.Account) => ({
  chargesEnabled: account.charges_enabled ?? false,
  payoutsEnabled: account.payouts_enabled ?? false,
  detailsSubmitted: account.details_submitted ?? false,
  requirements: account.requirements ?? null,
})

/** A stored account as the wizard shows it; a disconnected one is no account at all. */
export function connectedAccountOf(row: PaymentAccountRow): ConnectedAccount | null {
  if (row.disconnectedAt) return null
  const requirements = row.requirements as { currently_due?: unknown } | null
  const due = Array.isArray(requirements?.currently_due) ? requirements.currently_due : []
  return {
    accountId: row.stripeAccountId,
    chargesEnabled: row.chargesEnabled,
    detailsSubmitted: row.detailsSubmitted,
    requirements: due.filter((item): item is string => typeof item === 'string'),
  }
}

export async function findPaymentAccount(db: Database, owner: AccountOwner): Promise<PaymentAccountRow | null> {
  const [row] = await asServiceRole(db, (tx) => tx.select().from(paymentAccounts).where(ownerMatch(owner)))
  return row ?? null
}

/**
 * The owner's connected account: the stored one, or a new Express account. Its idempotency key is
 * derived from the owner (and the disconnected account it replaces), so a retried or concurrent start
 * gets the same account from Stripe; Stripe forgets keys after 24 hours, so the stored row — one per
 * owner — is the real guard. Stripe is called outside any transaction.
 */
export async function ensurePaymentAccount(db: Database, stripe: Stripe, owner: AccountOwner): Promise<PaymentAccountRow> {
  const existing = await findPaymentAccount(db, owner)
  if (existing && !existing.disconnectedAt) return existing
  const account = await stripe.accounts.create(
    {
      type: 'express',
      capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
      metadata: 'organizationId' in owner ? { organization_id: owner.organizationId } : { user_id: owner.userId },
    },
    { idempotencyKey: `event-wizard:connected-account:${ownerKey(owner)}${existing ? `:after:${existing.stripeAccountId}` : ''}` },
  )
  const values = { stripeAccountId: account.id, ...accountSnapshot(account), disconnectedAt: null, lastEventCreated: null }
  return asServiceRole(db, async (tx) => {
    const [stored] = existing
      ? await tx
          .update(paymentAccounts)
          .set(values)
          .where(and(eq(paymentAccounts.id, existing.id), isNotNull(paymentAccounts.disconnectedAt)))
          .returning()
      : await tx
          .insert(paymentAccounts)
          .values({ ...values, ...('organizationId' in owner ? { organizationId: owner.organizationId } : { userId: owner.userId }) })
          .onConflictDoNothing()
          .returning()
    if (stored) return stored
    // A concurrent start stored its account first: everyone uses that one.
    const [winner] = await tx.select().from(paymentAccounts).where(ownerMatch(owner))
    if (!winner) throw new Error('payment account neither stored nor found')
    return winner
  })
}

/**
 * Stripe's account as it is now, stored. Used when the organizer comes back from onboarding, before
 * the webhook arrives; `last_event_created` stays, so only events newer than the last applied one
 * still apply.
 */
export async function syncPaymentAccount(db: Database, stripe: Stripe, row: PaymentAccountRow): Promise<PaymentAccountRow> {
  const account = await stripe.accounts.retrieve(row.stripeAccountId)
  const [updated] = await asServiceRole(db, (tx) =>
    tx.update(paymentAccounts).set(accountSnapshot(account)).where(eq(paymentAccounts.stripeAccountId, row.stripeAccountId)).returning(),
  )
  return updated ?? row
}
