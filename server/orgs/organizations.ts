import { asc, eq } from 'drizzle-orm'
import { asServiceRole, withRls } from '../../db/rls'
import { type MemberRole, organizationMembers, organizations } from '../../db/schema'
import type { AuthenticatedClaims } from '../auth/identity'
import type { OrgDeps } from './deps'
import type { CreateOrganization } from './schemas'

export interface MyOrganization {
  id: string
  name: string
  role: MemberRole
}

/**
 * Creates an organization with the caller as its owner. Only the server creates organizations: there
 * is no insert policy for users, so this runs as the service role, in one transaction.
 */
export async function createOrganization({ db }: OrgDeps, claims: AuthenticatedClaims, input: CreateOrganization): Promise<MyOrganization> {
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

/** The organizations the caller belongs to, with their role, read under RLS. */
export async function listMyOrganizations({ db }: OrgDeps, claims: AuthenticatedClaims): Promise<MyOrganization[]> {
  return withRls(db, claims, (tx) =>
    tx
      .select({ id: organizations.id, name: organizations.name, role: organizationMembers.role })
      .from(organizationMembers)
      .innerJoin(organizations, eq(organizations.id, organizationMembers.organizationId))
      .where(eq(organizationMembers.userId, claims.sub))
      .orderBy(asc(organizations.name)),
  )
}
