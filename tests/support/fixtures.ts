import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import type { Database, Transaction } from '../../db/client'
import { queryRows } from '../../db/client'
import { pgErrorCode } from '../../db/errors'
import { asServiceRole, type Claims, withRls } from '../../db/rls'
import * as schema from '../../db/schema'
import { startSignInSession } from '../../server/auth/sign-in-sessions'
import { randomSuffix } from './databases'

export interface TestUser {
  id: string
  email: string
  /** Its claims, `sid` included: a token signed with them is accepted like one sign-in issued. */
  claims: Claims & { role: 'authenticated'; sub: string; sid?: string }
}

/** An account in auth.users, created by the server (service role) as sign-up would, signed in once. */
export async function createUser(db: Database, label = 'user'): Promise<TestUser> {
  const id = randomUUID()
  const email = `${label}-${randomSuffix()}@example.test`
  await asServiceRole(db, (tx) => tx.execute(sql`insert into auth.users (id, email) values (${id}, ${email})`))
  const sid = await startSignInSession(db, id, new Date(Date.now() + 86_400_000))
  return { id, email, claims: { role: 'authenticated', sub: id, email, aud: 'authenticated', sid } }
}

export async function createOrganization(db: Database, owner: TestUser, members: { user: TestUser; role: schema.MemberRole }[] = []): Promise<{ id: string }> {
  return asServiceRole(db, async (tx) => {
    const [organization] = await tx
      .insert(schema.organizations)
      .values({ name: `Studio ${randomSuffix()}`, createdBy: owner.id })
      .returning({ id: schema.organizations.id })
    if (!organization) throw new Error('organization not created')
    await tx
      .insert(schema.organizationMembers)
      .values([
        { organizationId: organization.id, userId: owner.id, role: 'owner' },
        ...members.map(({ user, role }) => ({ organizationId: organization.id, userId: user.id, role })),
      ])
    return organization
  })
}

export async function createSession(db: Database, owner: TestUser, values: Partial<typeof schema.wizardSessions.$inferInsert> = {}) {
  const [session] = await asServiceRole(db, (tx) =>
    tx
      .insert(schema.wizardSessions)
      .values({ userId: owner.id, ...values })
      .returning(),
  )
  if (!session) throw new Error('session not created')
  return session
}

export function eventValues(publisher: TestUser, values: Partial<typeof schema.events.$inferInsert> = {}): typeof schema.events.$inferInsert {
  return {
    userId: publisher.id,
    title: 'Autumn Runway',
    slug: `autumn-runway-${randomSuffix()}`,
    type: 'fashion_show',
    startsAt: new Date('2030-10-01T17:00:00Z'),
    endsAt: new Date('2030-10-01T20:00:00Z'),
    timezone: 'Europe/Paris',
    venueMode: 'hybrid',
    venue: { name: 'Hall 3', address: '1 Rue X', city: 'Paris', country: 'FR' },
    onlineUrl: 'https://meet.example.test/secret-room',
    status: 'published',
    publishedAt: new Date(),
    ...values,
  }
}

export async function createEvent(db: Database, publisher: TestUser, values: Partial<typeof schema.events.$inferInsert> = {}) {
  const [event] = await asServiceRole(db, (tx) => tx.insert(schema.events).values(eventValues(publisher, values)).returning())
  if (!event) throw new Error('event not created')
  return event
}

export function tierValues(eventId: string, position = 0): typeof schema.eventTicketTiers.$inferInsert {
  return { eventId, position, name: `Tier ${position}`, price: 0, currency: 'EUR', quantity: 100 }
}

export async function createTier(db: Database, eventId: string, position = 0) {
  const [tier] = await asServiceRole(db, (tx) => tx.insert(schema.eventTicketTiers).values(tierValues(eventId, position)).returning())
  if (!tier) throw new Error('tier not created')
  return tier
}

/** The role and RLS status the database sees inside a transaction. */
export async function currentRole(tx: Transaction) {
  const [row] = await queryRows<{ role: string; bypassrls: boolean; superuser: boolean }>(
    tx,
    sql`select current_user as role, r.rolbypassrls as bypassrls, r.rolsuper as superuser
        from pg_roles r where r.rolname = current_user`,
  )
  if (!row) throw new Error('current role not found')
  return row
}

class Rollback<T> {
  constructor(readonly value: T) {}
}

/**
 * Runs `fn` as `claims` under RLS and rolls everything back, so a fixture survives an allowed delete.
 * Checks first that the database really sees the request role and that it cannot bypass RLS — a
 * denial caused by a superuser connection or a missing role switch would prove nothing.
 */
export async function asUserRolledBack<T>(db: Database, claims: Claims, fn: (tx: Transaction) => Promise<T>): Promise<T> {
  try {
    await withRls(db, claims, async (tx) => {
      const role = await currentRole(tx)
      if (role.role !== claims.role || role.bypassrls || role.superuser) {
        throw new Error(`expected to act as ${claims.role} under RLS, but the database sees ${JSON.stringify(role)}`)
      }
      throw new Rollback(await fn(tx))
    })
  } catch (error) {
    if (error instanceof Rollback) return error.value as T
    throw error
  }
  throw new Error('unreachable')
}

/** Postgres error code of a failed statement. */
export const sqlState = pgErrorCode

export function sqlMessage(error: unknown): string {
  let current: unknown = error
  let message = ''
  while (current && typeof current === 'object') {
    if ('message' in current && typeof current.message === 'string') message = current.message
    current = 'cause' in current ? current.cause : undefined
  }
  return message
}
