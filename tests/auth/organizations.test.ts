import { eq, inArray } from 'drizzle-orm'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { withRls } from '../../db/rls'
import * as schema from '../../db/schema'
import type { AuthenticatedClaims } from '../../server/auth/identity'
import { describeEachDatabase, openTestDatabase, randomSuffix, type TestDatabase } from '../support/databases'
import { createEvent, createSession } from '../support/fixtures'
import { apiClient, failureOf, postForm, startTestServer, type TestServer } from '../support/server'

const PASSWORD = 'sequins-and-silk-2031'

describeEachDatabase('organizations through the procedures', (kind) => {
  let database: TestDatabase
  let server: TestServer
  beforeAll(async () => {
    database = await openTestDatabase(kind)
    server = await startTestServer(database)
  })
  afterAll(async () => {
    await server.close()
    await database.close()
  })

  /** A real account, signed up through the API; its token is what every later call uses. */
  async function signUp(label: string) {
    const email = `${label}-${randomSuffix()}@example.test`
    const result = await apiClient(server.url).auth.signUp.mutate({ email, password: PASSWORD })
    if (result.confirmationRequired) throw new Error('local accounts need no confirmation')
    const identity = await server.app.auth.verifyToken(result.accessToken)
    if (identity.kind !== 'authenticated') throw new Error('token not accepted')
    return { email, id: result.user.id, api: apiClient(server.url, result.accessToken), claims: identity.claims }
  }

  /** What the user's own token lets them read, straight from the database under RLS. */
  const visibleTo = (claims: AuthenticatedClaims, sessionIds: string[], eventIds: string[]) =>
    withRls(database.db, claims, async (tx) => ({
      sessions: (await tx.select({ id: schema.wizardSessions.id }).from(schema.wizardSessions).where(inArray(schema.wizardSessions.id, sessionIds))).length,
      events: (await tx.select({ id: schema.events.id }).from(schema.events).where(inArray(schema.events.id, eventIds))).length,
    }))

  it('an owner creates an organization and adds a member by e-mail; members see its sessions and events, others nothing', async () => {
    const owner = await signUp('owner')
    const member = await signUp('member')
    const outsider = await signUp('outsider')

    const organization = await owner.api.orgs.create.mutate({ name: '  Maison Lumière  ' })
    expect(organization).toMatchObject({ name: 'Maison Lumière', role: 'owner' })
    const added = await owner.api.orgs.addMember.mutate({ organizationId: organization.id, email: member.email.toUpperCase(), role: 'member' })
    expect(added).toMatchObject({ userId: member.id, role: 'member' })

    expect((await member.api.auth.me.query()).organizations).toEqual([{ id: organization.id, name: 'Maison Lumière', role: 'member' }])
    expect((await outsider.api.auth.me.query()).organizations).toEqual([])

    // The owner's unfinished wizard and unpublished event in the organization, and one outside it.
    const ownerAccount = { id: owner.id, email: owner.email, claims: owner.claims }
    const orgSession = await createSession(database.db, ownerAccount, { organizationId: organization.id })
    const personalSession = await createSession(database.db, ownerAccount)
    const orgEvent = await createEvent(database.db, ownerAccount, { organizationId: organization.id, status: 'unpublished', publishedAt: null })
    const sessions = [orgSession.id, personalSession.id]
    const events = [orgEvent.id]

    expect(await visibleTo(owner.claims, sessions, events)).toEqual({ sessions: 2, events: 1 })
    expect(await visibleTo(member.claims, sessions, events)).toEqual({ sessions: 1, events: 1 })
    expect(await visibleTo(outsider.claims, sessions, events)).toEqual({ sessions: 0, events: 0 })
  })

  it('a plain member cannot add members; a non-member is told the organization does not exist', async () => {
    const owner = await signUp('owner')
    const member = await signUp('member')
    const outsider = await signUp('outsider')
    const organization = await owner.api.orgs.create.mutate({ name: 'Studio Nord' })
    await owner.api.orgs.addMember.mutate({ organizationId: organization.id, email: member.email, role: 'member' })

    const byMember = await failureOf(member.api.orgs.addMember.mutate({ organizationId: organization.id, email: outsider.email, role: 'admin' }))
    expect(byMember.data?.code).toBe('FORBIDDEN')
    expect(byMember.message).toBe('Only the owner or an admin of this organization can add members.')

    const byOutsider = await failureOf(outsider.api.orgs.addMember.mutate({ organizationId: organization.id, email: outsider.email, role: 'admin' }))
    expect(byOutsider.data?.code).toBe('NOT_FOUND')

    const members = await withRls(database.db, owner.claims, (tx) =>
      tx.select().from(schema.organizationMembers).where(eq(schema.organizationMembers.organizationId, organization.id)),
    )
    expect(members.map((m) => m.userId).sort()).toEqual([owner.id, member.id].sort())
  })

  it('an admin can add members; unknown e-mails and repeats are refused beside the e-mail field', async () => {
    const owner = await signUp('owner')
    const admin = await signUp('admin')
    const newcomer = await signUp('newcomer')
    const organization = await owner.api.orgs.create.mutate({ name: 'Pop-up Collective' })
    await owner.api.orgs.addMember.mutate({ organizationId: organization.id, email: admin.email, role: 'admin' })

    await admin.api.orgs.addMember.mutate({ organizationId: organization.id, email: newcomer.email, role: 'member' })
    const again = await failureOf(admin.api.orgs.addMember.mutate({ organizationId: organization.id, email: newcomer.email, role: 'admin' }))
    expect(again.data?.code).toBe('CONFLICT')
    expect(again.data?.issues).toEqual([{ path: 'email', message: 'This person is already a member of the organization.' }])

    const unknown = await failureOf(
      admin.api.orgs.addMember.mutate({ organizationId: organization.id, email: `nobody-${randomSuffix()}@example.test`, role: 'member' }),
    )
    expect(unknown.data?.code).toBe('BAD_REQUEST')
    expect(unknown.data?.issues).toEqual([{ path: 'email', message: 'No account uses this e-mail yet. Ask them to sign up first.' }])

    const asOwner = await failureOf(
      owner.api.orgs.addMember.mutate({ organizationId: organization.id, email: newcomer.email, role: 'owner' as 'admin' }),
    )
    expect(asOwner.data?.issues).toEqual([{ path: 'role', message: 'Choose admin or member.' }])
  })

  it('sends a signed-out visitor to sign in and back to the page they wanted', async () => {
    const page = await fetch(`${server.url}/organizations?tab=members`, { redirect: 'manual' })
    expect(page.status).toBe(302)
    expect(page.headers.get('location')).toBe('/sign-in?redirectTo=%2Forganizations%3Ftab%3Dmembers')

    const owner = await signUp('returning')
    const signIn = await postForm(server, '/sign-in', { email: owner.email, password: PASSWORD, redirectTo: '/organizations?tab=members' })
    expect(signIn.status).toBe(302)
    expect(signIn.headers.get('location')).toBe('/organizations?tab=members')

    const offsite = await postForm(server, '/sign-in', { email: owner.email, password: PASSWORD, redirectTo: '//evil.example/phish' })
    expect(offsite.headers.get('location')).toBe('/')
  })

  it('creates an organization and adds a member from the page, without JavaScript', async () => {
    const owner = await signUp('owner')
    const member = await signUp('member')
    const signIn = await postForm(server, '/sign-in', { email: owner.email, password: PASSWORD })
    const cookie = signIn.headers.getSetCookie()[0]!.split(';')[0]!

    const empty = await postForm(server, '/organizations', { intent: 'create', name: '   ' }, { cookie })
    expect(empty.status).toBe(400)
    expect(await empty.text()).toContain('Name your organization.')

    const created = await postForm(server, '/organizations', { intent: 'create', name: 'Gallery Nine' }, { cookie })
    expect(created.status).toBe(302)
    const [organization] = (await owner.api.auth.me.query()).organizations
    expect(organization?.name).toBe('Gallery Nine')

    const added = await postForm(
      server,
      '/organizations',
      { intent: 'add-member', organizationId: organization!.id, email: member.email, role: 'admin' },
      { cookie },
    )
    expect(added.status).toBe(302)
    expect((await member.api.auth.me.query()).organizations).toEqual([{ id: organization!.id, name: 'Gallery Nine', role: 'admin' }])
  })
})
