import { expect, it } from 'vitest'
import { describeEachDatabase } from '../support/databases'
import { createOrganization, createUser, type TestUser } from '../support/fixtures'
import { apiClient, failureOf, signTestToken, useTestServer } from '../support/server'

/*
 * Managing an organization's people through the typed API, under RLS: owners change anyone's role and
 * remove anyone, admins manage admins and members, members only leave; an organization always keeps
 * an owner (the database refuses the last one leaving or being demoted, also two at once); another
 * organization's people see nothing.
 */
describeEachDatabase("an organization's members", (kind) => {
  const { server, database } = useTestServer(kind)

  const as = async (user: TestUser) => apiClient(server.url, await signTestToken({ sub: user.id, email: user.email, sid: user.claims.sid }))

  async function team() {
    const [owner, admin, member, other] = await Promise.all(['owner', 'admin', 'member', 'other'].map((label) => createUser(database.db, label)))
    const organization = await createOrganization(database.db, owner!, [
      { user: admin!, role: 'admin' },
      { user: member!, role: 'member' },
      { user: other!, role: 'member' },
    ])
    return { owner: owner!, admin: admin!, member: member!, other: other!, organizationId: organization.id }
  }
  const rolesOf = (members: { email: string; role: string }[]) => Object.fromEntries(members.map((member) => [member.email, member.role]))

  it('lists the members with their e-mail, owners first, to members only', async () => {
    const { owner, admin, member, organizationId } = await team()
    const members = await (await as(member)).orgs.members.query({ organizationId })
    expect(members[0]).toMatchObject({ email: owner.email, role: 'owner', you: false })
    expect(members.find((entry) => entry.email === member.email)).toMatchObject({ role: 'member', you: true })
    expect(rolesOf(members)[admin.email]).toBe('admin')
    const stranger = await createUser(database.db, 'stranger')
    expect((await failureOf((await as(stranger)).orgs.members.query({ organizationId }))).data?.code).toBe('NOT_FOUND')
  })

  it('owners change any role, admins manage admins and members, members nothing', async () => {
    const { owner, admin, member, other, organizationId } = await team()
    const asMember = await as(member)
    expect((await failureOf(asMember.orgs.changeRole.mutate({ organizationId, userId: other.id, role: 'admin' }))).data?.code).toBe('FORBIDDEN')
    expect((await failureOf(asMember.orgs.removeMember.mutate({ organizationId, userId: other.id }))).data?.code).toBe('FORBIDDEN')

    const asAdmin = await as(admin)
    expect(rolesOf(await asAdmin.orgs.changeRole.mutate({ organizationId, userId: member.id, role: 'admin' }))[member.email]).toBe('admin')
    expect((await failureOf(asAdmin.orgs.changeRole.mutate({ organizationId, userId: other.id, role: 'owner' }))).data?.code).toBe('FORBIDDEN')
    expect((await failureOf(asAdmin.orgs.changeRole.mutate({ organizationId, userId: owner.id, role: 'member' }))).data?.code).toBe('FORBIDDEN')
    expect((await failureOf(asAdmin.orgs.removeMember.mutate({ organizationId, userId: owner.id }))).data?.code).toBe('FORBIDDEN')
    expect(rolesOf(await asAdmin.orgs.removeMember.mutate({ organizationId, userId: other.id }))[other.email]).toBeUndefined()

    const asOwner = await as(owner)
    expect(rolesOf(await asOwner.orgs.changeRole.mutate({ organizationId, userId: admin.id, role: 'owner' }))[admin.email]).toBe('owner')
    // Two owners now: one may step down, and the other may then not.
    expect(rolesOf(await asOwner.orgs.changeRole.mutate({ organizationId, userId: owner.id, role: 'member' }))[owner.email]).toBe('member')
    const lastOwner = await failureOf(asAdmin.orgs.changeRole.mutate({ organizationId, userId: admin.id, role: 'member' }))
    expect(lastOwner).toMatchObject({
      message: 'An organization keeps at least one owner: make someone else owner first.',
      data: { code: 'PRECONDITION_FAILED' },
    })
  })

  it('the last owner can neither leave nor be removed; others leave and then see nothing', async () => {
    const { owner, member, organizationId } = await team()
    const asOwner = await as(owner)
    expect((await failureOf(asOwner.orgs.leave.mutate({ organizationId }))).data?.code).toBe('PRECONDITION_FAILED')
    expect((await failureOf(asOwner.orgs.removeMember.mutate({ organizationId, userId: owner.id }))).data?.code).toBe('PRECONDITION_FAILED')
    const asMember = await as(member)
    expect(await asMember.orgs.leave.mutate({ organizationId })).toEqual({ left: true })
    expect((await failureOf(asMember.orgs.members.query({ organizationId }))).data?.code).toBe('NOT_FOUND')
    expect((await failureOf(asMember.orgs.leave.mutate({ organizationId }))).data?.code).toBe('NOT_FOUND')
    expect((await asOwner.auth.me.query()).organizations.map((organization) => organization.id)).toContain(organizationId)
  })

  it('two owners stepping down at once: one succeeds, the organization keeps an owner', async () => {
    const { owner, admin, organizationId } = await team()
    await (await as(owner)).orgs.changeRole.mutate({ organizationId, userId: admin.id, role: 'owner' })
    const [first, second] = [await as(owner), await as(admin)]
    const results = await Promise.allSettled([
      first.orgs.changeRole.mutate({ organizationId, userId: owner.id, role: 'member' }),
      second.orgs.changeRole.mutate({ organizationId, userId: admin.id, role: 'member' }),
    ])
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1)
    const members = await first.orgs.members.query({ organizationId })
    expect(members.filter((member) => member.role === 'owner')).toHaveLength(1)
  })

  it('another organization sees nothing; bad input names the field', async () => {
    const { organizationId, member } = await team()
    const elsewhere = await team()
    const asOtherOwner = await as(elsewhere.owner)
    expect((await failureOf(asOtherOwner.orgs.removeMember.mutate({ organizationId, userId: member.id }))).data?.code).toBe('NOT_FOUND')
    expect((await failureOf(asOtherOwner.orgs.changeRole.mutate({ organizationId, userId: member.id, role: 'admin' }))).data?.code).toBe('NOT_FOUND')
    const bad = await failureOf(asOtherOwner.orgs.changeRole.mutate({ organizationId, userId: 'nobody', role: 'boss' as 'admin' }))
    expect(bad.data?.code).toBe('BAD_REQUEST')
    expect(bad.data?.issues).toEqual([
      { path: 'userId', message: 'Choose a member.' },
      { path: 'role', message: 'Choose owner, admin or member.' },
    ])
  })
})
