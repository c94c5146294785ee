import { and, eq, inArray, isNotNull } from 'drizzle-orm'
import { expect, it } from 'vitest'
import { asServiceRole, withRls } from '../../db/rls'
import * as schema from '../../db/schema'
import type { AuthenticatedClaims } from '../../server/auth/identity'
import { describeEachDatabase, randomSuffix } from '../support/databases'
import { createEvent, createSession } from '../support/fixtures'
import { invitationTokenFor, joinOrganization } from '../support/invitations'
import { PASSWORD, signUp as signUpAccount } from '../support/organizers'
import { cookiesOf, failureOf, postForm, useTestServer } from '../support/server'

describeEachDatabase('organizations through the procedures', (kind) => {
  // Each test signs up a handful of accounts from this one address.
  const { server, database } = useTestServer(kind, { RATE_LIMIT_AUTH_PER_IP: '100' })

  /** A real account, signed up through the API, with the claims of its token (what every later call uses). */
  async function signUp(label: string) {
    const account = await signUpAccount(server, label)
    const identity = await server.app.auth.verifyToken(account.token)
    if (identity.kind !== 'authenticated') throw new Error('token not accepted')
    return { ...account, claims: identity.claims }
  }

  /** What the user's own token lets them read, straight from the database under RLS. */
  const visibleTo = (claims: AuthenticatedClaims, sessionIds: string[], eventIds: string[]) =>
    withRls(database.db, claims, async (tx) => ({
      sessions: (await tx.select({ id: schema.wizardSessions.id }).from(schema.wizardSessions).where(inArray(schema.wizardSessions.id, sessionIds))).length,
      events: (await tx.select({ id: schema.events.id }).from(schema.events).where(inArray(schema.events.id, eventIds))).length,
    }))

  /** The invitation token of the newest e-mail queued for this address. */
  const tokenFor = (email: string) => invitationTokenFor(server, email)

  it('an owner creates an organization and invites a member by e-mail; members see its sessions and events, others nothing', async () => {
    const owner = await signUp('owner')
    const member = await signUp('member')
    const outsider = await signUp('outsider')

    const organization = await owner.api.orgs.create.mutate({ name: '  Maison Lumière  ' })
    expect(organization).toMatchObject({ name: 'Maison Lumière', role: 'owner' })
    const invited = await owner.api.orgs.invite.mutate({ organizationId: organization.id, email: member.email.toUpperCase(), role: 'member' })
    expect(invited).toEqual({ invited: true, email: member.email })
    expect((await member.api.auth.me.query()).organizations).toEqual([])

    const token = await tokenFor(member.email)
    expect(await member.api.orgs.invitation.query({ token })).toEqual({ organizationId: organization.id, organizationName: 'Maison Lumière', role: 'member' })
    expect(await member.api.orgs.acceptInvitation.mutate({ token })).toMatchObject({ organizationId: organization.id, role: 'member' })
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

  it('answers an invitation the same for an account, an unknown e-mail and a member, and queues each e-mail', async () => {
    const owner = await signUp('owner')
    const member = await signUp('member')
    const known = await signUp('known')
    const organization = await owner.api.orgs.create.mutate({ name: 'Atelier Miroir' })
    await joinOrganization(server, owner, member, organization.id, 'member')
    const unknownEmail = `nobody-${randomSuffix()}@example.test`

    const answers = await Promise.all(
      [known.email, unknownEmail, member.email].map(async (email) => {
        const answer = await owner.api.orgs.invite.mutate({ organizationId: organization.id, email, role: 'admin' })
        return { ...answer, email: answer.email === email ? 'the e-mail given' : answer.email }
      }),
    )
    expect(answers).toEqual([0, 1, 2].map(() => ({ invited: true, email: 'the e-mail given' })))

    const queued = await asServiceRole(database.db, (tx) =>
      tx
        .select({ recipient: schema.emailOutbox.recipient })
        .from(schema.emailOutbox)
        .where(and(eq(schema.emailOutbox.template, 'organization-invitation'), inArray(schema.emailOutbox.recipient, [known.email, unknownEmail]))),
    )
    expect(queued.map((row) => row.recipient).sort()).toEqual([known.email, unknownEmail].sort())
    // The e-mail names the organization and links to the invitation page, with a token only it carries.
    expect(await tokenFor(unknownEmail)).toMatch(/^[\w-]{43}$/)

    // Someone already a member who accepts keeps their role; the invitation is used up.
    const token = await tokenFor(member.email)
    await member.api.orgs.acceptInvitation.mutate({ token })
    expect((await member.api.auth.me.query()).organizations).toEqual([{ id: organization.id, name: 'Atelier Miroir', role: 'member' }])
    expect((await failureOf(member.api.orgs.acceptInvitation.mutate({ token }))).data?.code).toBe('NOT_FOUND')
  })

  it('a plain member cannot invite; a non-member is told the organization does not exist; owners are not invited', async () => {
    const owner = await signUp('owner')
    const member = await signUp('member')
    const outsider = await signUp('outsider')
    const organization = await owner.api.orgs.create.mutate({ name: 'Studio Nord' })
    await joinOrganization(server, owner, member, organization.id, 'member')

    const byMember = await failureOf(member.api.orgs.invite.mutate({ organizationId: organization.id, email: outsider.email, role: 'admin' }))
    expect(byMember.data?.code).toBe('FORBIDDEN')
    expect(byMember.message).toBe('Only the owner or an admin of this organization can invite people.')

    const byOutsider = await failureOf(outsider.api.orgs.invite.mutate({ organizationId: organization.id, email: outsider.email, role: 'admin' }))
    expect(byOutsider.data?.code).toBe('NOT_FOUND')

    const asOwner = await failureOf(owner.api.orgs.invite.mutate({ organizationId: organization.id, email: outsider.email, role: 'owner' as 'admin' }))
    expect(asOwner.data?.issues).toEqual([{ path: 'role', message: 'Choose admin or member.' }])

    const invitations = await asServiceRole(database.db, (tx) =>
      tx.select().from(schema.organizationInvitations).where(eq(schema.organizationInvitations.email, outsider.email)),
    )
    expect(invitations).toEqual([])
  })

  it('accepts an invitation only for its own e-mail, unexpired, once; a new invitation replaces the old link', async () => {
    const owner = await signUp('owner')
    const admin = await signUp('admin')
    const invitee = await signUp('invitee')
    const other = await signUp('other')
    const organization = await owner.api.orgs.create.mutate({ name: 'Pop-up Collective' })
    await joinOrganization(server, owner, admin, organization.id, 'admin')
    const invalid = 'This invitation is not valid (expired, used, or for another e-mail).'

    await admin.api.orgs.invite.mutate({ organizationId: organization.id, email: invitee.email, role: 'member' })
    const first = await tokenFor(invitee.email)
    const byOther = await failureOf(other.api.orgs.acceptInvitation.mutate({ token: first }))
    expect([byOther.data?.code, byOther.message]).toEqual(['NOT_FOUND', invalid])
    expect((await failureOf(other.api.orgs.invitation.query({ token: first }))).data?.code).toBe('NOT_FOUND')
    expect((await failureOf(invitee.api.orgs.acceptInvitation.mutate({ token: `${first}x` }))).data?.code).toBe('NOT_FOUND')

    // Inviting again, as admin this time: the first link stops working.
    await admin.api.orgs.invite.mutate({ organizationId: organization.id, email: invitee.email, role: 'admin' })
    const second = await tokenFor(invitee.email)
    expect(second).not.toBe(first)
    const queuedForInvitee = await asServiceRole(database.db, (tx) =>
      tx.select().from(schema.emailOutbox).where(eq(schema.emailOutbox.recipient, invitee.email)),
    )
    // The first e-mail, not sent yet, is dropped with its link.
    expect(queuedForInvitee).toHaveLength(1)
    expect((await failureOf(invitee.api.orgs.acceptInvitation.mutate({ token: first }))).data?.code).toBe('NOT_FOUND')

    await asServiceRole(database.db, (tx) =>
      tx
        .update(schema.organizationInvitations)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(eq(schema.organizationInvitations.email, invitee.email)),
    )
    const expired = await failureOf(invitee.api.orgs.acceptInvitation.mutate({ token: second }))
    expect([expired.data?.code, expired.message]).toEqual(['NOT_FOUND', invalid])
    expect((await invitee.api.auth.me.query()).organizations).toEqual([])

    await admin.api.orgs.invite.mutate({ organizationId: organization.id, email: invitee.email, role: 'admin' })
    const third = await tokenFor(invitee.email)
    await invitee.api.orgs.acceptInvitation.mutate({ token: third })
    expect((await invitee.api.auth.me.query()).organizations).toEqual([{ id: organization.id, name: 'Pop-up Collective', role: 'admin' }])
    const reused = await failureOf(invitee.api.orgs.acceptInvitation.mutate({ token: third }))
    expect([reused.data?.code, reused.message]).toEqual(['NOT_FOUND', invalid])

    const [accepted] = await asServiceRole(database.db, (tx) =>
      tx
        .select()
        .from(schema.organizationInvitations)
        .where(and(eq(schema.organizationInvitations.email, invitee.email), isNotNull(schema.organizationInvitations.acceptedAt))),
    )
    expect(accepted).toMatchObject({ role: 'admin', acceptedBy: invitee.id, organizationId: organization.id })
    expect(accepted?.tokenHash).not.toContain(third)
  })

  it("lets an organization's owner and admins read its invitations, not its members nor other organizations", async () => {
    const owner = await signUp('owner')
    const admin = await signUp('admin')
    const member = await signUp('member')
    const otherOwner = await signUp('other-owner')
    const organization = await owner.api.orgs.create.mutate({ name: 'Salon Privé' })
    await otherOwner.api.orgs.create.mutate({ name: 'Elsewhere' })
    await joinOrganization(server, owner, admin, organization.id, 'admin')
    await joinOrganization(server, owner, member, organization.id, 'member')
    await owner.api.orgs.invite.mutate({ organizationId: organization.id, email: `guest-${randomSuffix()}@example.test`, role: 'member' })

    const invitationsSeenBy = (claims: AuthenticatedClaims) =>
      withRls(
        database.db,
        claims,
        async (tx) => (await tx.select().from(schema.organizationInvitations).where(eq(schema.organizationInvitations.organizationId, organization.id))).length,
      )
    expect(await invitationsSeenBy(owner.claims)).toBe(3)
    expect(await invitationsSeenBy(admin.claims)).toBe(3)
    expect(await invitationsSeenBy(member.claims)).toBe(0)
    expect(await invitationsSeenBy(otherOwner.claims)).toBe(0)
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

  it('creates an organization and invites someone from the page, who accepts on the invitation page, without JavaScript', async () => {
    const owner = await signUp('owner')
    const member = await signUp('member')
    const cookie = cookiesOf(await postForm(server, '/sign-in', { email: owner.email, password: PASSWORD }))

    const empty = await postForm(server, '/organizations', { intent: 'create', name: '   ' }, { cookie })
    expect(empty.status).toBe(400)
    expect(await empty.text()).toContain('Name your organization.')

    const created = await postForm(server, '/organizations', { intent: 'create', name: 'Gallery Nine' }, { cookie })
    expect(created.status).toBe(302)
    const [organization] = (await owner.api.auth.me.query()).organizations
    expect(organization?.name).toBe('Gallery Nine')

    // The page says the same for an account and for an e-mail nobody uses.
    for (const email of [member.email, `nobody-${randomSuffix()}@example.test`]) {
      const sent = await postForm(server, '/organizations', { intent: 'invite', organizationId: organization!.id, email, role: 'admin' }, { cookie })
      expect(sent.status).toBe(200)
      expect(await sent.text()).toContain(`Invitation sent to ${email}`)
    }
    expect((await member.api.auth.me.query()).organizations).toEqual([])

    // Signed out, the link leads to sign-in and back.
    const path = `/invitations/${await tokenFor(member.email)}`
    const signedOut = await fetch(`${server.url}${path}`, { redirect: 'manual' })
    expect(signedOut.status).toBe(302)
    expect(signedOut.headers.get('location')).toBe(`/sign-in?${new URLSearchParams({ redirectTo: path })}`)
    const signIn = await postForm(server, '/sign-in', { email: member.email, password: PASSWORD, redirectTo: path })
    expect(signIn.headers.get('location')).toBe(path)
    const memberCookie = cookiesOf(signIn)

    const page = await fetch(`${server.url}${path}`, { headers: { cookie: memberCookie } })
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('Join <!-- -->Gallery Nine<!-- --> as <!-- -->admin')

    // Someone else signed in sees that the invitation is not for them.
    const notTheirs = await fetch(`${server.url}${path}`, { headers: { cookie } })
    expect(notTheirs.status).toBe(404)
    expect(await notTheirs.text()).toContain('This invitation is not valid (expired, used, or for another e-mail).')

    const accepted = await postForm(server, path, {}, { cookie: memberCookie })
    expect(accepted.status).toBe(302)
    expect(accepted.headers.get('location')).toBe('/organizations')
    expect((await member.api.auth.me.query()).organizations).toEqual([{ id: organization!.id, name: 'Gallery Nine', role: 'admin' }])

    const again = await postForm(server, path, {}, { cookie: memberCookie })
    expect(again.status).toBe(404)
    expect(await again.text()).toContain('This invitation is not valid (expired, used, or for another e-mail).')
  })
})
