import { and, asc, eq, sql } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { queryRows } from '../../db/client'
import { pgErrorCode, pgErrorCodes } from '../../db/errors'
import { asServiceRole, withRls } from '../../db/rls'
import { type MemberRole, organizationMembers, organizations } from '../../db/schema'
import type { AuthenticatedClaims } from '../auth/identity'
import { DomainError, notFound } from '../errors'
import type { AddMember, CreateOrganization } from './schemas'

export interface MyOrganization {
  id: string
  name: string
  role: MemberRole
}

/**
 * Creates an organization with the caller as its owner. Only the server creates organizations: there
 * is no insert policy for users, so this runs as the service role, in one transaction.
 */
export async function createOrganization(
  db: Database,
  claims: AuthenticatedClaims,
  input: CreateOrganization,
): Promise<MyOrganization> {
  return asServiceRole(db, async (tx) => {
    const [organization] = await tx
      .insert(organizations)
      .values({ name: input.name, createdBy: claims.sub })
      .returning({ id: organizations.id, name: organizations.name })
    if (!organization) throw new Error('organization not created')
    await tx.insert(organizationMembers).values({ organizationId: organization.id, userId: claims.sub, role: 'owner' })
    return { ...organization, role: 'owner' }
  })
}

/**
 * Adds an existing account, found by its e-mail, as admin or member. The caller's own membership is
 * read under RLS first: an organization they are not in is "not found"; a plain member may not add.
 */
export async function addMember(
  db: Database,
  claims: AuthenticatedClaims,
  input: AddMember,
): Promise<{ organizationId: string; userId: string; email: string; role: MemberRole }> {
  const [membership] = await withRls(db, claims, (tx) =>
    tx
      .select({ role: organizationMembers.role })
      .from(organizationMembers)
      .where(and(eq(organizationMembers.organizationId, input.organizationId), eq(organizationMembers.userId, claims.sub))),
  )
  if (!membership) throw notFound('Organization')
  if (membership.role === 'member') {
    throw new DomainError('FORBIDDEN', 'Only the owner or an admin of this organization can add members.')
  }
  return asServiceRole(db, async (tx) => {
    const [account] = await queryRows<{ id: string; email: string }>(
      tx,
      sql`select id, email from auth.users where lower(email) = ${input.email.trim().toLowerCase()}`,
    )
    if (!account) {
      const message = 'No account uses this e-mail yet. Ask them to sign up first.'
      throw new DomainError('BAD_REQUEST', message, { issues: [{ path: 'email', message }] })
    }
    try {
      await tx
        .insert(organizationMembers)
        .values({ organizationId: input.organizationId, userId: account.id, role: input.role })
    } catch (error) {
      if (pgErrorCode(error) !== pgErrorCodes.uniqueViolation) throw error
      const message = 'This person is already a member of the organization.'
      throw new DomainError('CONFLICT', message, { issues: [{ path: 'email', message }] })
    }
    return { organizationId: input.organizationId, userId: account.id, email: account.email, role: input.role }
  })
}

/** The organizations the caller belongs to, with their role, read under RLS. */
export async function listMyOrganizations(db: Database, claims: AuthenticatedClaims): Promise<MyOrganization[]> {
  return withRls(db, claims, (tx) =>
    tx
      .select({ id: organizations.id, name: organizations.name, role: organizationMembers.role })
      .from(organizationMembers)
      .innerJoin(organizations, eq(organizations.id, organizationMembers.organizationId))
      .where(eq(organizationMembers.userId, claims.sub))
      .orderBy(asc(organizations.name)),
  )
}
