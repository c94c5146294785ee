import { afterAll, beforeAll, expect, it } from 'vitest'
import { myEvents } from '../../server/wizard/events'
import { describeEachDatabase, openTestDatabase, type TestDatabase } from '../support/databases'
import { createEvent, createOrganization, createUser } from '../support/fixtures'

/** An evening of January 2031. */
const on = (day: number) => ({ startsAt: new Date(Date.UTC(2031, 0, day, 18)), endsAt: new Date(Date.UTC(2031, 0, day, 21)) })

/*
 * The dashboard's event list: the caller's own events and their organizations' (read as two index walks
 * and merged), newest first, never a stranger's published event, and never more than asked for.
 */
describeEachDatabase("the organizer's events", (kind) => {
  let database: TestDatabase
  beforeAll(async () => {
    database = await openTestDatabase(kind)
  })
  afterAll(async () => {
    await database?.close()
  })

  it('lists own and organization events newest first, once each, up to the limit', async () => {
    const { db } = database
    const owner = await createUser(db, 'owner')
    const member = await createUser(db, 'member')
    const stranger = await createUser(db, 'stranger')
    const organization = await createOrganization(db, owner, [{ user: member, role: 'member' }])
    const ownOld = await createEvent(db, member, { title: 'Own, oldest', ...on(1) })
    const orgByOwner = await createEvent(db, owner, { title: 'Studio, by the owner', ...on(3), organizationId: organization.id })
    const orgByMember = await createEvent(db, member, { title: 'Studio, by the member', ...on(2), organizationId: organization.id })
    const ownNew = await createEvent(db, member, { title: 'Own, newest', ...on(5) })
    await createEvent(db, stranger, { title: "A stranger's public event", ...on(4) })
    const deps = { db, now: () => new Date() }

    const listed = await myEvents(deps, member.claims)
    expect(listed.map((event) => event.id)).toEqual([ownNew.id, orgByOwner.id, orgByMember.id, ownOld.id])
    expect((await myEvents(deps, member.claims, 2)).map((event) => event.id)).toEqual([ownNew.id, orgByOwner.id])
    expect((await myEvents(deps, owner.claims)).map((event) => event.id)).toEqual([orgByOwner.id, orgByMember.id])
    expect((await myEvents(deps, stranger.claims)).map((event) => event.title)).toEqual(["A stranger's public event"])
  })
})
