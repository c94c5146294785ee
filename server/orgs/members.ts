import { and, eq, sql } from 'drizzle-orm'
import type { Database, Transaction } from '../../db/client'
import { queryRows } from '../../db/client'
import { pgConstraint, pgErrorCode, pgErrorCodes } from '../../db/errors'
import { withRls } from '../../db/rls'
import { type MemberRole, organizationMembers } from '../../db/schema'
import type { AuthenticatedClaims } from '../auth/identity'
import { DomainError, notFound } from '../errors'
import type { OrgDeps } from './deps'
import type { ChangeRole } from './schemas'

export interface OrganizationMember {
  userId: string
  email: string
  role: MemberRole
  joinedAt: Date
  /** The caller themself. */
  you: boolean
}

const LAST_OWNER = 'An organization keeps at least one owner: make someone else owner first.'

/** The organization's members, owners first, for its members only (anyone else: NOT_FOUND). */
export async function listMembers({ db }: OrgDeps, claims: AuthenticatedClaims, organizationId: string): Promise<OrganizationMember[]> {
  const rows = await withRls(db, claims, (tx) =>
    queryRows<{ user_id: string; email: string; role: MemberRole; joined_at: Date | string }>(
      tx,
      sql`select user_id, email, role, joined_at from event_wizard.organization_roster(${organizationId})`,
    ),
  )
  if (rows.length === 0) throw notFound('This organization')
  return rows.map((row) => ({ userId: row.user_id, email: row.email, role: row.role, joinedAt: new Date(row.joined_at), you: row.user_id === claims.sub }))
}

/** Owners change anyone's role (making owners too); admins those of admins and members. */
export async function changeRole(deps: OrgDeps, claims: AuthenticatedClaims, input: ChangeRole): Promise<OrganizationMember[]> {
  await membershipChange(
    deps.db,
    claims,
    input.organizationId,
    async (tx) => {
      if (input.role === 'owner') await mustBeOwner(tx, input.organizationId)
      return tx
        .update(organizationMembers)
        .set({ role: input.role })
        .where(and(eq(organizationMembers.organizationId, input.organizationId), eq(organizationMembers.userId, input.userId)))
        .returning({ userId: organizationMembers.userId })
    },
    input.userId,
  )
  return listMembers(deps, claims, input.organizationId)
}

/** Owners remove anyone, admins admins and members; the last owner stays. */
export async function removeMember(deps: OrgDeps, claims: AuthenticatedClaims, input: { organizationId: string; userId: string }) {
  await membershipChange(deps.db, claims, input.organizationId, deleteMember(input.organizationId, input.userId), input.userId)
  return listMembers(deps, claims, input.organizationId)
}

/** The caller leaves; the last owner cannot (they make someone else owner first). */
export async function leaveOrganization({ db }: OrgDeps, claims: AuthenticatedClaims, input: { organizationId: string }): Promise<{ left: true }> {
  await membershipChange(db, claims, input.organizationId, deleteMember(input.organizationId, claims.sub), claims.sub)
  return { left: true }
}

/**
 * One change of membership, under the caller's RLS (which decides who may change whom), one at a time
 * per organization: two owners demoting each other at once would otherwise both see the other still
 * owner. A change RLS hides (0 rows for a member the caller can see) is FORBIDDEN; losing the last
 * owner, refused by the database's trigger, is PRECONDITION_FAILED.
 */
async function membershipChange(
  db: Database,
  claims: AuthenticatedClaims,
  organizationId: string,
  change: (tx: Transaction) => Promise<{ userId: string }[]>,
  targetUserId: string,
): Promise<void> {
  try {
    await withRls(db, claims, async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`organization-members:${organizationId}`}, 0))`)
      const [target] = await tx
        .select({ userId: organizationMembers.userId })
        .from(organizationMembers)
        .where(and(eq(organizationMembers.organizationId, organizationId), eq(organizationMembers.userId, targetUserId)))
      if (!target) throw notFound(targetUserId === claims.sub ? 'This organization' : 'This member')
      const changed = await change(tx)
      if (changed.length === 0) {
        throw new DomainError('FORBIDDEN', 'Only owners change owners; owners and admins manage the other members.')
      }
    })
  } catch (error) {
    if (pgErrorCode(error) === pgErrorCodes.checkViolation && pgConstraint(error) === 'organization_keeps_an_owner') {
      throw new DomainError('PRECONDITION_FAILED', LAST_OWNER)
    }
    throw error
  }
}

/** Takes `userId` out of the organization, as far as the caller's RLS lets it. */
const deleteMember = (organizationId: string, userId: string) => (tx: Transaction) =>
  tx
    .delete(organizationMembers)
    .where(and(eq(organizationMembers.organizationId, organizationId), eq(organizationMembers.userId, userId)))
    .returning({ userId: organizationMembers.userId })

async function mustBeOwner(tx: Transaction, organizationId: string) {
  const [caller] = await queryRows<{ owner: boolean }>(tx, sql`select event_wizard.is_member(${organizationId}, array['owner']::text[]) as owner`)
  if (!caller?.owner) throw new DomainError('FORBIDDEN', 'Only owners make owners.')
}
