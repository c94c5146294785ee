import { createHmac } from 'node:crypto'
import { and, eq, gt, isNull, sql } from 'drizzle-orm'
import type { Transaction } from '../../db/client'
import { queryRows } from '../../db/client'
import { pgErrorCode, pgErrorCodes } from '../../db/errors'
import { asServiceRole, withRls } from '../../db/rls'
import { emailOutbox, type MemberRole, organizationInvitations, organizationMembers, organizations } from '../../db/schema'
import type { AuthenticatedClaims } from '../auth/identity'
import { DomainError, notFound } from '../errors'
import { queueEmail } from '../mail/outbox'
import { hashAccessKey } from '../orders/access-keys'
import type { OrgDeps } from './deps'
import type { InviteMember } from './schemas'

/**
 * The token in an invitation's link. Derived from the invitation id with a server secret, so the e-mail
 * worker can rebuild it from the id in the outbox payload: neither the outbox nor the invitation stores
 * it, only its hash. Sending an invitation again makes a new row, hence a new token.
 */
export function invitationTokenOf(secret: string, invitationId: string): string {
  return createHmac('sha256', secret).update(`organization-invitation:${invitationId}`).digest('base64url')
}

/** A secret of its own for invitation tokens, derived from the app's signing secret (never the same bytes). */
export function invitationSecretOf(signingSecret: string): string {
  return createHmac('sha256', signingSecret).update('event-wizard/organization-invitations').digest('base64url')
}

const INVITATION_DAYS = 7
const invalidInvitation = () => new DomainError('NOT_FOUND', 'This invitation is not valid (expired, used, or for another e-mail).')

/**
 * Invites someone by e-mail as admin or member. The caller's membership is read under RLS first: an
 * organization they are not in is "not found"; a plain member may not invite. The answer is the same
 * whether the e-mail has an account, has none, or is already a member: it must not tell which.
 */
export async function inviteMember(
  { db, invitationSecret }: OrgDeps,
  claims: AuthenticatedClaims,
  input: InviteMember,
): Promise<{ invited: true; email: string }> {
  const [membership] = await withRls(db, claims, (tx) =>
    tx
      .select({ role: organizationMembers.role })
      .from(organizationMembers)
      .where(and(eq(organizationMembers.organizationId, input.organizationId), eq(organizationMembers.userId, claims.sub))),
  )
  if (!membership) throw notFound('Organization')
  if (membership.role === 'member') {
    throw new DomainError('FORBIDDEN', 'Only the owner or an admin of this organization can invite people.')
  }
  const email = input.email.trim().toLowerCase()
  try {
    await asServiceRole(db, async (tx) => {
      // A new invitation replaces a pending one: the old link stops working, and its e-mail, if not
      // sent yet, is not sent at all.
      const replaced = await tx
        .delete(organizationInvitations)
        .where(
          and(
            eq(organizationInvitations.organizationId, input.organizationId),
            eq(organizationInvitations.email, email),
            isNull(organizationInvitations.acceptedAt),
          ),
        )
        .returning({ id: organizationInvitations.id })
      for (const { id } of replaced) {
        await tx
          .delete(emailOutbox)
          .where(
            and(eq(emailOutbox.template, 'organization-invitation'), eq(emailOutbox.status, 'pending'), sql`${emailOutbox.payload}->>'invitationId' = ${id}`),
          )
      }
      const id = crypto.randomUUID()
      await tx.insert(organizationInvitations).values({
        id,
        organizationId: input.organizationId,
        email,
        role: input.role,
        tokenHash: hashAccessKey(invitationTokenOf(invitationSecret, id)),
        invitedBy: claims.sub,
        expiresAt: sql`now() + make_interval(days => ${INVITATION_DAYS})`,
      })
      await queueEmail(tx, { recipient: email, template: 'organization-invitation', payload: { invitationId: id } })
    })
  } catch (error) {
    // Two invitations to the same e-mail at the same moment: one wins, the other is told to retry.
    if (pgErrorCode(error) !== pgErrorCodes.uniqueViolation) throw error
    throw new DomainError('CONFLICT', 'This e-mail is being invited right now. Try again in a moment.')
  }
  return { invited: true, email }
}

export interface PendingInvitation {
  organizationId: string
  organizationName: string
  role: MemberRole
}

/**
 * The pending, unexpired invitation the token opens, if it was sent to the caller's own e-mail. Read as
 * the service role: the invitee is not a member yet, so RLS would show them neither it nor the name.
 */
async function pendingInvitationFor(tx: Transaction, claims: AuthenticatedClaims, token: string): Promise<{ id: string; pending: PendingInvitation }> {
  const [account] = await queryRows<{ email: string }>(tx, sql`select email from auth.users where id = ${claims.sub}`)
  if (!account) throw invalidInvitation()
  const [invitation] = await tx
    .select({
      id: organizationInvitations.id,
      organizationId: organizationInvitations.organizationId,
      organizationName: organizations.name,
      role: organizationInvitations.role,
    })
    .from(organizationInvitations)
    .innerJoin(organizations, eq(organizations.id, organizationInvitations.organizationId))
    .where(
      and(
        eq(organizationInvitations.tokenHash, hashAccessKey(token)),
        eq(organizationInvitations.email, account.email.toLowerCase()),
        isNull(organizationInvitations.acceptedAt),
        gt(organizationInvitations.expiresAt, sql`now()`),
      ),
    )
  if (!invitation) throw invalidInvitation()
  const { id, ...pending } = invitation
  return { id, pending }
}

/** What the invitation page shows before the invitee accepts. */
export async function showInvitation({ db }: OrgDeps, claims: AuthenticatedClaims, token: string): Promise<PendingInvitation> {
  return asServiceRole(db, async (tx) => {
    return (await pendingInvitationFor(tx, claims, token)).pending
  })
}

/**
 * Accepts an invitation for the signed-in user: it must be theirs (same e-mail, any case), unexpired and
 * unused. Adds the membership (someone already a member keeps their role) and marks the invitation used,
 * in one transaction.
 */
export async function acceptInvitation({ db }: OrgDeps, claims: AuthenticatedClaims, token: string): Promise<PendingInvitation> {
  return asServiceRole(db, async (tx) => {
    const { id, pending: invitation } = await pendingInvitationFor(tx, claims, token)
    // Marked used only if still pending: of two acceptances at once, the second finds nothing to mark.
    const marked = await tx
      .update(organizationInvitations)
      .set({ acceptedAt: sql`now()`, acceptedBy: claims.sub })
      .where(and(eq(organizationInvitations.id, id), isNull(organizationInvitations.acceptedAt)))
      .returning({ id: organizationInvitations.id })
    if (marked.length === 0) throw invalidInvitation()
    await tx.insert(organizationMembers).values({ organizationId: invitation.organizationId, userId: claims.sub, role: invitation.role }).onConflictDoNothing()
    return invitation
  })
}
