import { and, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows, type Transaction } from '../../db/client'
import { anonClaims, asServiceRole, type Claims, withRls } from '../../db/rls'
import * as schema from '../../db/schema'
import { describeEachDatabase, openTestDatabase, randomSuffix, type TestDatabase } from '../support/databases'
import {
  asUserRolledBack,
  createEvent,
  createOrganization,
  createSession,
  createTier,
  createUser,
  currentRole,
  eventValues,
  sqlMessage,
  sqlState,
  type TestUser,
  tierValues,
} from '../support/fixtures'

/**
 * The Row Level Security matrix: every table, every operation, every kind of actor, against one
 * organization O. `creator` is a plain member of O who created the session, the action and the events;
 * `member` is another plain member; `owner` and `admin` manage O; `outsider` belongs to no organization;
 * `anon` has no account. Each operation runs in a transaction that is rolled back, so the fixture built
 * once per database stays intact.
 */

const actors = ['creator', 'member', 'owner', 'admin', 'outsider', 'anon'] as const
type Actor = (typeof actors)[number]
type UserActor = Exclude<Actor, 'anon'>
const ops = ['select', 'insert', 'update', 'delete'] as const
type Op = (typeof ops)[number]

const everyone: readonly Actor[] = actors
const members: readonly Actor[] = ['creator', 'member', 'owner', 'admin']
const creatorAndManagers: readonly Actor[] = ['creator', 'owner', 'admin']
const onlyCreator: readonly Actor[] = ['creator']
const everyoneSignedIn: readonly Actor[] = ['creator', 'member', 'owner', 'admin', 'outsider']
const nobody: readonly Actor[] = []
/** O's members and the outsider, who bought the order as a signed-in buyer. */
const membersAndBuyer: readonly Actor[] = [...members, 'outsider']
const onlyOutsider: readonly Actor[] = ['outsider']
const managers: readonly Actor[] = ['owner', 'admin']

interface Fixture {
  users: Record<UserActor, TestUser>
  organizationId: string
  sessionId: string
  personalSessionId: string
  actionId: string
  unpublishedEventId: string
  publishedEventId: string
  unpublishedTierId: string
  publishedTierId: string
  hiddenTierId: string
  /** An organization the outsider owns and nobody of O belongs to. */
  otherOrganizationId: string
  paymentAccountId: string
  stripeEventId: string
  /** The creator's sign-in session and copilot thread (on the organization's session). */
  signInSessionId: string
  copilotThreadId: string
  /** The outsider's order for O's published event, its item and ticket. */
  orderId: string
  orderItemId: string
  ticketId: string
  /** An anonymous buyer's order for O's published event. */
  anonymousOrderId: string
  /** An anonymous buyer's order for an event of the outsider's organization, and its ticket. */
  otherEventOrderId: string
  otherEventTicketId: string
  emailId: string
  /** A pending invitation to O, and one to the outsider's organization. */
  invitationId: string
  otherInvitationId: string
}

/** What an operation knows about who runs it; anon writes rows in the creator's name. */
interface Context {
  f: Fixture
  /** The actor's own user id (the creator's for anon). */
  selfId: string
  /** A user id that is not the actor's (the creator's, or the member's for the creator). */
  otherId: string
}

/** Runs one operation; returns the rows it read, inserted (`returning`), changed or deleted. */
type Run = (tx: Transaction, c: Context) => Promise<unknown[]>

/** Who may do what, per table (or a particular kind of row of it). */
const expectations = {
  organizations: { select: members, insert: nobody, update: nobody, delete: nobody },
  // The member's row: owners and admins change its role or remove it, and the member may leave.
  organization_members: { select: members, insert: nobody, update: managers, delete: ['member', ...managers] },
  // O's owner and admin see whom O invited; plain members do not; only the core writes.
  organization_invitations: { select: managers, insert: nobody, update: nobody, delete: nobody },
  "organization_invitations (another organization's)": { select: onlyOutsider },
  wizard_sessions: { select: members, insert: members, update: creatorAndManagers, delete: creatorAndManagers },
  'wizard_sessions (personal)': { select: onlyCreator },
  'wizard_sessions (for another user)': { insert: nobody },
  wizard_actions: { select: members, insert: members, update: nobody, delete: nobody },
  'events (unpublished)': { select: members, insert: members, update: creatorAndManagers, delete: nobody },
  'events (published)': { select: everyone },
  'event_ticket_tiers (unpublished event)': {
    select: members,
    insert: creatorAndManagers,
    update: creatorAndManagers,
    delete: creatorAndManagers,
  },
  'event_ticket_tiers (published event)': { select: everyone },
  'event_ticket_tiers (hidden, published event)': { select: members },
  payment_accounts: { select: nobody, insert: nobody, update: nobody, delete: nobody },
  stripe_events: { select: nobody, insert: nobody, update: nobody, delete: nobody },
  // Each account its own: anyone signed in may start one for themselves, only the creator sees or ends theirs.
  auth_sessions: { select: onlyCreator, insert: everyoneSignedIn, update: onlyCreator, delete: nobody },
  // A thread on the organization's session: any member may start their own there, only its owner reads it.
  copilot_threads: { select: onlyCreator, insert: members, update: nobody, delete: nobody },
  // Refunds and cancels: the event's publisher and O's managers, not a plain member, not the buyer.
  orders: { select: membersAndBuyer, insert: nobody, update: creatorAndManagers, delete: nobody },
  'orders (anonymous buyer)': { select: members },
  // The outsider owns the other organization: its event's orders are theirs to manage, not O's.
  "orders (another organization's event)": { select: onlyOutsider, update: onlyOutsider },
  order_items: { select: membersAndBuyer, insert: nobody, update: nobody, delete: nobody },
  // Check-in: any of the event's people, plain members included; not the buyer.
  tickets: { select: membersAndBuyer, insert: nobody, update: members, delete: nobody },
  "tickets (another organization's event)": { select: onlyOutsider, update: onlyOutsider },
  email_outbox: { select: nobody, insert: nobody, update: nobody, delete: nobody },
} satisfies Record<string, Partial<Record<Op, readonly Actor[]>>>

type Subject = keyof typeof expectations

/** How each operation of the matrix is done; every one targets exactly one fixture row (or inserts one). */
const operations: { [S in Subject]: { [O in keyof (typeof expectations)[S]]: Run } } = {
  organizations: {
    select: (tx, { f }) => tx.select().from(schema.organizations).where(eq(schema.organizations.id, f.organizationId)),
    insert: (tx, { selfId }) =>
      tx
        .insert(schema.organizations)
        .values({ name: `Intruder ${randomSuffix()}`, createdBy: selfId })
        .returning(),
    update: (tx, { f }) => tx.update(schema.organizations).set({ name: 'Renamed' }).where(eq(schema.organizations.id, f.organizationId)).returning(),
    delete: (tx, { f }) => tx.delete(schema.organizations).where(eq(schema.organizations.id, f.organizationId)).returning(),
  },
  organization_members: {
    select: (tx, { f }) => tx.select().from(schema.organizationMembers).where(membership(f, f.users.creator.id)),
    // The actor makes itself an owner of O (anon: makes the creator one).
    insert: (tx, { f, selfId }) =>
      tx.insert(schema.organizationMembers).values({ organizationId: f.organizationId, userId: selfId, role: 'owner' }).returning(),
    update: (tx, { f }) => tx.update(schema.organizationMembers).set({ role: 'admin' }).where(membership(f, f.users.member.id)).returning(),
    delete: (tx, { f }) => tx.delete(schema.organizationMembers).where(membership(f, f.users.member.id)).returning(),
  },
  wizard_sessions: {
    select: (tx, { f }) => tx.select().from(schema.wizardSessions).where(eq(schema.wizardSessions.id, f.sessionId)),
    insert: (tx, { f, selfId }) => tx.insert(schema.wizardSessions).values({ userId: selfId, organizationId: f.organizationId }).returning(),
    update: (tx, { f }) => tx.update(schema.wizardSessions).set({ completionPercentage: 10 }).where(eq(schema.wizardSessions.id, f.sessionId)).returning(),
    delete: (tx, { f }) => tx.delete(schema.wizardSessions).where(eq(schema.wizardSessions.id, f.sessionId)).returning(),
  },
  'wizard_sessions (personal)': {
    select: (tx, { f }) => tx.select().from(schema.wizardSessions).where(eq(schema.wizardSessions.id, f.personalSessionId)),
  },
  'wizard_sessions (for another user)': {
    insert: (tx, { f, otherId }) => tx.insert(schema.wizardSessions).values({ userId: otherId, organizationId: f.organizationId }).returning(),
  },
  wizard_actions: {
    select: (tx, { f }) => tx.select().from(schema.wizardActions).where(eq(schema.wizardActions.id, f.actionId)),
    insert: (tx, { f, selfId }) => tx.insert(schema.wizardActions).values(actionValues(f, selfId)).returning(),
    update: (tx, { f }) =>
      tx.update(schema.wizardActions).set({ result: 'failed', errorMessage: 'tampered' }).where(eq(schema.wizardActions.id, f.actionId)).returning(),
    delete: (tx, { f }) => tx.delete(schema.wizardActions).where(eq(schema.wizardActions.id, f.actionId)).returning(),
  },
  // Events are read through their id only: anon may not read every column (see the column test below).
  'events (unpublished)': {
    select: (tx, { f }) => tx.select(eventId).from(schema.events).where(eq(schema.events.id, f.unpublishedEventId)),
    insert: (tx, { f, selfId }) =>
      tx
        .insert(schema.events)
        .values(eventValues(f.users.creator, { userId: selfId, organizationId: f.organizationId }))
        .returning(eventId),
    update: (tx, { f }) => tx.update(schema.events).set({ title: 'Renamed Runway' }).where(eq(schema.events.id, f.unpublishedEventId)).returning(eventId),
    delete: (tx, { f }) => tx.delete(schema.events).where(eq(schema.events.id, f.unpublishedEventId)).returning(eventId),
  },
  'events (published)': {
    select: (tx, { f }) => tx.select(eventId).from(schema.events).where(eq(schema.events.id, f.publishedEventId)),
  },
  'event_ticket_tiers (unpublished event)': {
    select: (tx, { f }) => tx.select().from(schema.eventTicketTiers).where(eq(schema.eventTicketTiers.id, f.unpublishedTierId)),
    insert: (tx, { f }) => tx.insert(schema.eventTicketTiers).values(tierValues(f.unpublishedEventId, 1)).returning(),
    update: (tx, { f }) => tx.update(schema.eventTicketTiers).set({ name: 'Front Row' }).where(eq(schema.eventTicketTiers.id, f.unpublishedTierId)).returning(),
    delete: (tx, { f }) => tx.delete(schema.eventTicketTiers).where(eq(schema.eventTicketTiers.id, f.unpublishedTierId)).returning(),
  },
  'event_ticket_tiers (published event)': {
    select: (tx, { f }) => tx.select().from(schema.eventTicketTiers).where(eq(schema.eventTicketTiers.id, f.publishedTierId)),
  },
  'event_ticket_tiers (hidden, published event)': {
    select: (tx, { f }) => tx.select().from(schema.eventTicketTiers).where(eq(schema.eventTicketTiers.id, f.hiddenTierId)),
  },
  payment_accounts: {
    select: (tx, { f }) => tx.select().from(schema.paymentAccounts).where(eq(schema.paymentAccounts.id, f.paymentAccountId)),
    insert: (tx, { selfId }) =>
      tx
        .insert(schema.paymentAccounts)
        .values({ userId: selfId, stripeAccountId: `acct_${randomSuffix()}` })
        .returning(),
    update: (tx, { f }) =>
      tx
        .update(schema.paymentAccounts)
        .set({ chargesEnabled: true, payoutsEnabled: true })
        .where(eq(schema.paymentAccounts.id, f.paymentAccountId))
        .returning(),
    delete: (tx, { f }) => tx.delete(schema.paymentAccounts).where(eq(schema.paymentAccounts.id, f.paymentAccountId)).returning(),
  },
  stripe_events: {
    select: (tx, { f }) => tx.select().from(schema.stripeEvents).where(eq(schema.stripeEvents.id, f.stripeEventId)),
    insert: (tx) =>
      tx
        .insert(schema.stripeEvents)
        .values({ id: `evt_${randomSuffix()}`, type: 'account.updated', payload: {} })
        .returning(),
    update: (tx, { f }) =>
      tx.update(schema.stripeEvents).set({ attempts: 1, error: 'tampered' }).where(eq(schema.stripeEvents.id, f.stripeEventId)).returning(),
    delete: (tx, { f }) => tx.delete(schema.stripeEvents).where(eq(schema.stripeEvents.id, f.stripeEventId)).returning(),
  },
  auth_sessions: {
    select: (tx, { f }) => tx.select().from(schema.authSessions).where(eq(schema.authSessions.id, f.signInSessionId)),
    insert: (tx, { selfId }) =>
      tx
        .insert(schema.authSessions)
        .values({ userId: selfId, expiresAt: new Date(Date.now() + 3_600_000) })
        .returning(),
    update: (tx, { f }) => tx.update(schema.authSessions).set({ revokedAt: new Date() }).where(eq(schema.authSessions.id, f.signInSessionId)).returning(),
    delete: (tx, { f }) => tx.delete(schema.authSessions).where(eq(schema.authSessions.id, f.signInSessionId)).returning(),
  },
  copilot_threads: {
    select: (tx, { f }) => tx.select().from(schema.copilotThreads).where(eq(schema.copilotThreads.threadId, f.copilotThreadId)),
    insert: (tx, { f, selfId }) =>
      tx
        .insert(schema.copilotThreads)
        .values({ threadId: `thread-${randomSuffix()}`, userId: selfId, sessionId: f.sessionId })
        .returning(),
    update: (tx, { f, selfId }) =>
      tx.update(schema.copilotThreads).set({ userId: selfId }).where(eq(schema.copilotThreads.threadId, f.copilotThreadId)).returning(),
    delete: (tx, { f }) => tx.delete(schema.copilotThreads).where(eq(schema.copilotThreads.threadId, f.copilotThreadId)).returning(),
  },
  orders: {
    select: (tx, { f }) => tx.select().from(schema.orders).where(eq(schema.orders.id, f.orderId)),
    // A confirmed free order in the actor's own name, as if the actor had bypassed the core.
    insert: (tx, { f, selfId }) => tx.insert(schema.orders).values(orderValues(f.publishedEventId, selfId)).returning(),
    update: (tx, { f }) => tx.update(schema.orders).set({ status: 'cancelled' }).where(eq(schema.orders.id, f.orderId)).returning(),
    delete: (tx, { f }) => tx.delete(schema.orders).where(eq(schema.orders.id, f.orderId)).returning(),
  },
  'orders (anonymous buyer)': {
    select: (tx, { f }) => tx.select().from(schema.orders).where(eq(schema.orders.id, f.anonymousOrderId)),
  },
  "orders (another organization's event)": {
    select: (tx, { f }) => tx.select().from(schema.orders).where(eq(schema.orders.id, f.otherEventOrderId)),
    update: (tx, { f }) => tx.update(schema.orders).set({ status: 'cancelled' }).where(eq(schema.orders.id, f.otherEventOrderId)).returning(),
  },
  order_items: {
    select: (tx, { f }) => tx.select().from(schema.orderItems).where(eq(schema.orderItems.id, f.orderItemId)),
    insert: (tx, { f }) =>
      tx.insert(schema.orderItems).values({ orderId: f.anonymousOrderId, tierId: f.publishedTierId, quantity: 5, unitPrice: 0 }).returning(),
    update: (tx, { f }) => tx.update(schema.orderItems).set({ quantity: 9 }).where(eq(schema.orderItems.id, f.orderItemId)).returning(),
    delete: (tx, { f }) => tx.delete(schema.orderItems).where(eq(schema.orderItems.id, f.orderItemId)).returning(),
  },
  tickets: {
    select: (tx, { f }) => tx.select().from(schema.tickets).where(eq(schema.tickets.id, f.ticketId)),
    insert: (tx, { f }) =>
      tx
        .insert(schema.tickets)
        .values(ticketValues(f.orderId, f.publishedTierId, f.publishedEventId))
        .returning(),
    // A check-in in the actor's own name (anon: in the creator's).
    update: (tx, { f, selfId }) => tx.update(schema.tickets).set(checkIn(selfId)).where(eq(schema.tickets.id, f.ticketId)).returning(),
    delete: (tx, { f }) => tx.delete(schema.tickets).where(eq(schema.tickets.id, f.ticketId)).returning(),
  },
  "tickets (another organization's event)": {
    select: (tx, { f }) => tx.select().from(schema.tickets).where(eq(schema.tickets.id, f.otherEventTicketId)),
    update: (tx, { f, selfId }) => tx.update(schema.tickets).set(checkIn(selfId)).where(eq(schema.tickets.id, f.otherEventTicketId)).returning(),
  },
  organization_invitations: {
    select: (tx, { f }) => tx.select().from(schema.organizationInvitations).where(eq(schema.organizationInvitations.id, f.invitationId)),
    insert: (tx, { f, selfId }) => tx.insert(schema.organizationInvitations).values(invitationValues(f.organizationId, selfId)).returning(),
    update: (tx, { f, selfId }) =>
      tx
        .update(schema.organizationInvitations)
        .set({ acceptedAt: new Date(), acceptedBy: selfId })
        .where(eq(schema.organizationInvitations.id, f.invitationId))
        .returning(),
    delete: (tx, { f }) => tx.delete(schema.organizationInvitations).where(eq(schema.organizationInvitations.id, f.invitationId)).returning(),
  },
  "organization_invitations (another organization's)": {
    select: (tx, { f }) => tx.select().from(schema.organizationInvitations).where(eq(schema.organizationInvitations.id, f.otherInvitationId)),
  },
  email_outbox: {
    select: (tx, { f }) => tx.select().from(schema.emailOutbox).where(eq(schema.emailOutbox.id, f.emailId)),
    insert: (tx) => tx.insert(schema.emailOutbox).values({ recipient: 'x@example.test', template: 'order-confirmation', payload: {} }).returning(),
    update: (tx, { f }) => tx.update(schema.emailOutbox).set({ recipient: 'thief@example.test' }).where(eq(schema.emailOutbox.id, f.emailId)).returning(),
    delete: (tx, { f }) => tx.delete(schema.emailOutbox).where(eq(schema.emailOutbox.id, f.emailId)).returning(),
  },
}

function invitationValues(organizationId: string, invitedBy: string): typeof schema.organizationInvitations.$inferInsert {
  return {
    organizationId,
    email: `guest-${randomSuffix()}@example.test`,
    role: 'member',
    tokenHash: randomSuffix().padEnd(64, '0'),
    invitedBy,
    expiresAt: new Date(Date.now() + 7 * 24 * 3600 * 1000),
  }
}

function orderValues(eventId: string, userId: string | null): typeof schema.orders.$inferInsert {
  return {
    eventId,
    userId,
    buyerName: 'Ada Buyer',
    buyerEmail: 'ada@example.test',
    status: 'confirmed',
    total: 0,
    currency: 'EUR',
    accessKeyHash: 'a'.repeat(64),
  }
}

const checkIn = (userId: string) => ({ checkedInAt: new Date(), checkedInBy: userId })

function ticketValues(orderId: string, tierId: string, eventId: string): typeof schema.tickets.$inferInsert {
  return { orderId, tierId, eventId, code: `T${randomSuffix().toUpperCase()}${randomSuffix().toUpperCase()}` }
}

const eventId = { id: schema.events.id }

function membership(f: Fixture, userId: string) {
  return and(eq(schema.organizationMembers.organizationId, f.organizationId), eq(schema.organizationMembers.userId, userId))
}

/** An audit row as the wizard records it: a form merge on a session of the organization. */
function actionValues({ sessionId, organizationId }: { sessionId: string; organizationId: string }, userId: string): typeof schema.wizardActions.$inferInsert {
  return {
    sessionId,
    userId,
    organizationId,
    actionName: 'merge',
    source: 'form',
    result: 'succeeded',
  }
}

interface Case {
  table: Subject
  op: Op
  actor: Actor
  allowed: boolean
}

const cases: Case[] = Object.entries(expectations).flatMap(([table, byOp]) =>
  ops.flatMap((op) => {
    const allowedActors: readonly Actor[] | undefined = (byOp as Partial<Record<Op, readonly Actor[]>>)[op]
    if (!allowedActors) return []
    return actors.map((actor) => ({ table: table as Subject, op, actor, allowed: allowedActors.includes(actor) }))
  }),
)

function claimsOf(f: Fixture, actor: Actor): Claims {
  return actor === 'anon' ? anonClaims : f.users[actor].claims
}

function contextOf(f: Fixture, actor: Actor): Context {
  const selfId = actor === 'anon' ? f.users.creator.id : f.users[actor].id
  const otherId = actor === 'creator' ? f.users.member.id : f.users.creator.id
  return { f, selfId, otherId }
}

/** A refusal by a policy: not a missing GRANT ("permission denied for table"), which would fail the test. */
function isRlsDenial(error: unknown): boolean {
  return sqlState(error) === '42501' && /row-level security/.test(sqlMessage(error))
}

/**
 * Runs one case as its actor and says whether the database allowed it. Reads, updates and deletes
 * are allowed when they touch the fixture row and denied when they silently touch nothing; inserts
 * are allowed when they return the new row and denied when a policy refuses them. Anything else —
 * another error, a surprising row count — throws and fails the test.
 */
async function attempt(f: Fixture, db: TestDatabase['db'], { table, op, actor }: Case): Promise<'allowed' | 'denied'> {
  const run = (operations[table] as Partial<Record<Op, Run>>)[op]
  if (!run) throw new Error(`no operation ${op} for ${table}`)
  let rows: unknown[]
  try {
    rows = await asUserRolledBack(db, claimsOf(f, actor), (tx) => run(tx, contextOf(f, actor)))
  } catch (error) {
    if (op === 'insert' && isRlsDenial(error)) return 'denied'
    throw error
  }
  if (rows.length === 1) return 'allowed'
  if (rows.length === 0 && op !== 'insert') return 'denied'
  throw new Error(`${table}: ${op} as ${actor} touched ${rows.length} rows`)
}

async function buildFixture(db: TestDatabase['db']): Promise<Fixture> {
  const users = {
    creator: await createUser(db, 'creator'),
    member: await createUser(db, 'member'),
    owner: await createUser(db, 'owner'),
    admin: await createUser(db, 'admin'),
    outsider: await createUser(db, 'outsider'),
  }
  const organization = await createOrganization(db, users.owner, [
    { user: users.admin, role: 'admin' },
    { user: users.creator, role: 'member' },
    { user: users.member, role: 'member' },
  ])
  const session = await createSession(db, users.creator, { organizationId: organization.id })
  const personalSession = await createSession(db, users.creator)
  const unpublished = await createEvent(db, users.creator, {
    organizationId: organization.id,
    status: 'unpublished',
    publishedAt: null,
  })
  const published = await createEvent(db, users.creator, { organizationId: organization.id })
  const unpublishedTier = await createTier(db, unpublished.id)
  const publishedTier = await createTier(db, published.id)
  const [hiddenTier] = await asServiceRole(db, (tx) =>
    tx
      .insert(schema.eventTicketTiers)
      .values({ ...tierValues(published.id, 1), name: 'Press', hidden: true })
      .returning(),
  )
  const otherOrganization = await createOrganization(db, users.outsider)
  const stripeEventId = `evt_${randomSuffix()}`
  const copilotThreadId = `thread-${randomSuffix()}`
  const { actionId, paymentAccountId } = await asServiceRole(db, async (tx) => {
    const [action] = await tx
      .insert(schema.wizardActions)
      .values(actionValues({ sessionId: session.id, organizationId: organization.id }, users.creator.id))
      .returning({ id: schema.wizardActions.id })
    const [account] = await tx
      .insert(schema.paymentAccounts)
      .values({ organizationId: organization.id, stripeAccountId: `acct_${randomSuffix()}` })
      .returning({ id: schema.paymentAccounts.id })
    await tx.insert(schema.stripeEvents).values({ id: stripeEventId, type: 'account.updated', payload: {} })
    await tx.insert(schema.copilotThreads).values({ threadId: copilotThreadId, userId: users.creator.id, sessionId: session.id })
    if (!action || !account) throw new Error('fixture not created')
    return { actionId: action.id, paymentAccountId: account.id }
  })
  const otherEvent = await createEvent(db, users.outsider, { organizationId: otherOrganization.id })
  const otherEventTier = await createTier(db, otherEvent.id)
  const sales = await asServiceRole(db, async (tx) => {
    const [order] = await tx.insert(schema.orders).values(orderValues(published.id, users.outsider.id)).returning()
    const [anonymousOrder] = await tx.insert(schema.orders).values(orderValues(published.id, null)).returning()
    const [otherEventOrder] = await tx.insert(schema.orders).values(orderValues(otherEvent.id, null)).returning()
    const [item] = await tx.insert(schema.orderItems).values({ orderId: order!.id, tierId: publishedTier.id, quantity: 1, unitPrice: 0 }).returning()
    const [ticket] = await tx
      .insert(schema.tickets)
      .values(ticketValues(order!.id, publishedTier.id, published.id))
      .returning()
    const [otherEventTicket] = await tx
      .insert(schema.tickets)
      .values(ticketValues(otherEventOrder!.id, otherEventTier.id, otherEvent.id))
      .returning()
    const [email] = await tx
      .insert(schema.emailOutbox)
      .values({ recipient: users.outsider.email, template: 'order-confirmation', payload: { orderId: order!.id } })
      .returning()
    const [invitation] = await tx.insert(schema.organizationInvitations).values(invitationValues(organization.id, users.owner.id)).returning()
    const [otherInvitation] = await tx.insert(schema.organizationInvitations).values(invitationValues(otherOrganization.id, users.outsider.id)).returning()
    return {
      invitationId: invitation!.id,
      otherInvitationId: otherInvitation!.id,
      orderId: order!.id,
      anonymousOrderId: anonymousOrder!.id,
      otherEventOrderId: otherEventOrder!.id,
      otherEventTicketId: otherEventTicket!.id,
      orderItemId: item!.id,
      ticketId: ticket!.id,
      emailId: email!.id,
    }
  })
  return {
    users,
    organizationId: organization.id,
    sessionId: session.id,
    personalSessionId: personalSession.id,
    actionId,
    unpublishedEventId: unpublished.id,
    publishedEventId: published.id,
    unpublishedTierId: unpublishedTier.id,
    publishedTierId: publishedTier.id,
    hiddenTierId: hiddenTier!.id,
    otherOrganizationId: otherOrganization.id,
    paymentAccountId,
    stripeEventId,
    signInSessionId: users.creator.claims.sid!,
    copilotThreadId,
    ...sales,
  }
}

describeEachDatabase('row level security matrix', (kind) => {
  let database: TestDatabase
  let f: Fixture
  beforeAll(async () => {
    database = await openTestDatabase(kind)
    f = await buildFixture(database.db)
  })
  afterAll(() => database.close())

  describe('every table, operation and actor', () => {
    for (const c of cases) {
      const outcome = c.allowed ? 'allowed' : 'denied'
      it(`${c.table}: ${c.op} as ${c.actor} → ${outcome}`, async () => {
        expect(await attempt(f, database.db, c)).toBe(outcome)
      })
    }

    it('covers every table of the schema with all four operations and all six actors', () => {
      const tables = new Set(cases.map((c) => c.table.split(' ')[0]))
      expect([...tables].sort()).toEqual(
        [
          'auth_sessions',
          'copilot_threads',
          'email_outbox',
          'event_ticket_tiers',
          'events',
          'order_items',
          'orders',
          'organization_invitations',
          'organization_members',
          'organizations',
          'payment_accounts',
          'stripe_events',
          'tickets',
          'wizard_actions',
          'wizard_sessions',
        ].sort(),
      )
      for (const table of tables) {
        for (const op of ops) {
          for (const actor of actors) {
            const found = cases.some((c) => c.table.split(' ')[0] === table && c.op === op && c.actor === actor)
            expect(found, `${table}: ${op} as ${actor}`).toBe(true)
          }
        }
      }
    })
  })

  describe('the fixture', () => {
    it('survives the matrix: every row is still there, unchanged', async () => {
      const seen = await asServiceRole(database.db, async (tx) => {
        const { organizationMembers, wizardSessions, wizardActions, events, eventTicketTiers } = schema
        const count = async (rows: Promise<unknown[]>) => (await rows).length
        return {
          members: await count(tx.select().from(organizationMembers).where(eq(organizationMembers.organizationId, f.organizationId))),
          sessions: await count(
            tx
              .select()
              .from(wizardSessions)
              .where(and(eq(wizardSessions.userId, f.users.creator.id), eq(wizardSessions.organizationId, f.organizationId))),
          ),
          actions: await count(tx.select().from(wizardActions).where(eq(wizardActions.sessionId, f.sessionId))),
          events: await count(tx.select().from(events).where(eq(events.organizationId, f.organizationId))),
          tiers: await count(tx.select().from(eventTicketTiers).where(eq(eventTicketTiers.eventId, f.unpublishedEventId))),
          title: (await tx.select().from(events).where(eq(events.id, f.unpublishedEventId)))[0]?.title,
        }
      })
      expect(seen).toEqual({ members: 4, sessions: 1, actions: 1, events: 2, tiers: 1, title: 'Autumn Runway' })
    })

    it('has rows the service role sees in the server-only tables, which are granted to authenticated', async () => {
      const asService = await asServiceRole(database.db, async (tx) => ({
        paymentAccounts: await tx.select().from(schema.paymentAccounts).where(eq(schema.paymentAccounts.id, f.paymentAccountId)),
        stripeEvents: await tx.select().from(schema.stripeEvents).where(eq(schema.stripeEvents.id, f.stripeEventId)),
      }))
      expect(asService.paymentAccounts).toHaveLength(1)
      expect(asService.stripeEvents).toHaveLength(1)

      // Granted, so no "permission denied": Row Level Security simply shows nothing.
      const asOwner = await asUserRolledBack(database.db, f.users.owner.claims, async (tx) => ({
        paymentAccounts: await tx.select().from(schema.paymentAccounts),
        stripeEvents: await tx.select().from(schema.stripeEvents),
      }))
      expect(asOwner).toEqual({ paymentAccounts: [], stripeEvents: [] })
    })
  })

  describe('rate-limit counters', () => {
    it('are counted by the service role and not granted to anon or authenticated at all', async () => {
      const key = `test-${randomSuffix()}`
      await asServiceRole(database.db, (tx) => tx.insert(schema.rateLimits).values({ key, points: 1 }))
      const seen = await asServiceRole(database.db, (tx) => tx.select().from(schema.rateLimits).where(eq(schema.rateLimits.key, key)))
      expect(seen).toHaveLength(1)
      for (const claims of [f.users.creator.claims, anonClaims]) {
        for (const run of [
          (tx: Transaction) => tx.select().from(schema.rateLimits),
          (tx: Transaction) => tx.delete(schema.rateLimits).where(eq(schema.rateLimits.key, key)),
        ]) {
          const error = await asUserRolledBack(database.db, claims, run).then(
            () => undefined,
            (caught: unknown) => caught,
          )
          expect(sqlState(error)).toBe('42501')
          expect(sqlMessage(error)).toMatch(/permission denied for table rate_limits/)
        }
      }
    })
  })

  describe('rows cannot escape their owners or organizations', () => {
    /** The statement must be refused, by a policy (42501) or by the owner trigger (23514). */
    const refusal = async (claims: Claims, run: (tx: Transaction) => Promise<unknown>) => {
      const error = await asUserRolledBack(database.db, claims, run).then(
        () => undefined,
        (caught: unknown) => caught,
      )
      return { code: sqlState(error), message: sqlMessage(error) }
    }
    const rlsRefusal = { code: '42501', message: expect.stringMatching(/row-level security/) }

    it('the creator cannot move their session or event into an organization they do not belong to', async () => {
      const { creator } = f.users
      expect(
        await refusal(creator.claims, (tx) =>
          tx.update(schema.wizardSessions).set({ organizationId: f.otherOrganizationId }).where(eq(schema.wizardSessions.id, f.sessionId)),
        ),
      ).toEqual(rlsRefusal)
      expect(
        await refusal(creator.claims, (tx) =>
          tx.update(schema.events).set({ organizationId: f.otherOrganizationId }).where(eq(schema.events.id, f.unpublishedEventId)),
        ),
      ).toEqual(rlsRefusal)
    })

    it("an organization's owner cannot hand a session or an event to someone else", async () => {
      const { owner, outsider } = f.users
      const ownerChange = { code: '23514', message: expect.stringMatching(/owner of .* cannot change/) }
      expect(
        await refusal(owner.claims, (tx) => tx.update(schema.wizardSessions).set({ userId: outsider.id }).where(eq(schema.wizardSessions.id, f.sessionId))),
      ).toEqual(ownerChange)
      expect(
        await refusal(owner.claims, (tx) => tx.update(schema.events).set({ userId: outsider.id }).where(eq(schema.events.id, f.unpublishedEventId))),
      ).toEqual(ownerChange)
    })

    const notGranted = (table: string) => ({ code: '42501', message: expect.stringMatching(new RegExp(`permission denied for table ${table}`)) })

    it("a ticket is checked in in the checker's own name, and nothing else of it changes", async () => {
      const { member, creator } = f.users
      const ticket = eq(schema.tickets.id, f.ticketId)
      expect(await refusal(member.claims, (tx) => tx.update(schema.tickets).set(checkIn(creator.id)).where(ticket))).toEqual(rlsRefusal)
      expect(await refusal(member.claims, (tx) => tx.update(schema.tickets).set({ checkedInAt: null, checkedInBy: null }).where(ticket))).toEqual(rlsRefusal)
      const otherColumns: Partial<typeof schema.tickets.$inferInsert>[] = [
        { status: 'void' },
        { code: 'FORGEDCODE234567' },
        { holderName: 'Mallory' },
        { orderId: f.anonymousOrderId },
        { eventId: f.unpublishedEventId },
      ]
      for (const change of otherColumns) {
        expect(await refusal(creator.claims, (tx) => tx.update(schema.tickets).set(change).where(ticket)), JSON.stringify(change)).toEqual(
          notGranted('tickets'),
        )
      }
    })

    it("an order's managers only cancel or refund it, and change nothing else of it", async () => {
      const { admin, owner } = f.users
      const order = eq(schema.orders.id, f.orderId)
      for (const status of ['confirmed', 'pending', 'expired'] as const) {
        const changes = status === 'pending' ? { status, expiresAt: new Date() } : { status }
        expect(await refusal(admin.claims, (tx) => tx.update(schema.orders).set(changes).where(order)), status).toEqual(
          status === 'pending' ? notGranted('orders') : rlsRefusal,
        )
      }
      const otherColumns: Partial<typeof schema.orders.$inferInsert>[] = [
        { buyerEmail: 'thief@example.test' },
        { total: 1 },
        { accessKeyHash: 'b'.repeat(64) },
        { eventId: f.unpublishedEventId },
        { userId: admin.id },
        { stripePaymentIntentId: 'pi_forged' },
      ]
      for (const change of otherColumns) {
        expect(await refusal(owner.claims, (tx) => tx.update(schema.orders).set(change).where(order)), JSON.stringify(change)).toEqual(notGranted('orders'))
      }
      expect(
        await asUserRolledBack(database.db, admin.claims, (tx) =>
          tx.update(schema.orders).set({ status: 'refunded', refundedAt: new Date() }).where(order).returning({ status: schema.orders.status }),
        ),
      ).toEqual([{ status: 'refunded' }])
    })

    it('an audit row names the organization of its session, never another one', async () => {
      const { creator } = f.users
      const action = { userId: creator.id, actionName: 'merge', source: 'form', result: 'succeeded' } as const
      expect(await refusal(creator.claims, (tx) => tx.insert(schema.wizardActions).values({ ...action, organizationId: f.otherOrganizationId }))).toEqual(
        rlsRefusal,
      )
      expect(
        await refusal(creator.claims, (tx) => tx.insert(schema.wizardActions).values({ ...action, sessionId: f.sessionId, organizationId: null })),
      ).toEqual(rlsRefusal)
    })
  })

  describe('columns of published events', () => {
    it('anon reads the public columns of a published event but never its meeting URL or payment account', async () => {
      const publicColumns = await asUserRolledBack(database.db, anonClaims, (tx) =>
        tx
          .select({ title: schema.events.title, slug: schema.events.slug, venue: schema.events.venue })
          .from(schema.events)
          .where(eq(schema.events.id, f.publishedEventId)),
      )
      expect(publicColumns).toHaveLength(1)
      for (const column of [schema.events.onlineUrl, schema.events.stripeAccountId, schema.events.userId]) {
        const error = await asUserRolledBack(database.db, anonClaims, (tx) =>
          tx.select({ value: column }).from(schema.events).where(eq(schema.events.id, f.publishedEventId)),
        ).then(
          () => undefined,
          (caught: unknown) => caught,
        )
        expect(sqlState(error)).toBe('42501')
        expect(sqlMessage(error)).toMatch(/permission denied for table events/)
      }
    })
  })

  describe('private columns of events', () => {
    const privateColumns = [schema.events.onlineUrl, schema.events.stripeAccountId, schema.events.userId, schema.events.sessionId, schema.events.organizationId]
    const denial = (claims: Claims, run: (tx: Transaction) => Promise<unknown>) =>
      asUserRolledBack(database.db, claims, run).then(
        () => undefined,
        (caught: unknown) => ({ code: sqlState(caught), message: sqlMessage(caught) }),
      )

    it('a signed-in user reads the public columns of a published event, as anon does, and none of its private ones', async () => {
      const { outsider } = f.users
      const publicColumns = await asUserRolledBack(database.db, outsider.claims, (tx) =>
        tx.select({ title: schema.events.title, slug: schema.events.slug }).from(schema.events).where(eq(schema.events.id, f.publishedEventId)),
      )
      expect(publicColumns).toHaveLength(1)
      for (const column of privateColumns) {
        expect(await denial(outsider.claims, (tx) => tx.select({ value: column }).from(schema.events).where(eq(schema.events.id, f.publishedEventId)))).toEqual(
          { code: '42501', message: expect.stringMatching(/permission denied for table events/) },
        )
      }
      // Not through a filter either: a condition on a private column is a read of it.
      expect(
        await denial(outsider.claims, (tx) => tx.select({ id: schema.events.id }).from(schema.events).where(eq(schema.events.userId, f.users.creator.id))),
      ).toEqual({ code: '42501', message: expect.stringMatching(/permission denied for table events/) })
    })

    it("the event's publisher and its organization's members read them through my_events; nobody else", async () => {
      const readPrivate = (claims: Claims) =>
        asUserRolledBack(database.db, claims, (tx) =>
          tx
            .select({ onlineUrl: schema.myEventsView.onlineUrl, userId: schema.myEventsView.userId, organizationId: schema.myEventsView.organizationId })
            .from(schema.myEventsView)
            .where(eq(schema.myEventsView.id, f.publishedEventId)),
        )
      const expected = [{ onlineUrl: 'https://meet.example.test/secret-room', userId: f.users.creator.id, organizationId: f.organizationId }]
      for (const actor of ['creator', 'member', 'owner', 'admin'] as const) expect(await readPrivate(f.users[actor].claims), actor).toEqual(expected)
      expect(await readPrivate(f.users.outsider.claims)).toEqual([])
      expect(await denial(anonClaims, (tx) => tx.select({ id: schema.myEventsView.id }).from(schema.myEventsView))).toEqual({
        code: '42501',
        message: expect.stringMatching(/permission denied for view my_events/),
      })
    })

    it('my_events cannot be written through, not even by the publisher', async () => {
      expect(await denial(f.users.creator.claims, (tx) => tx.execute(sql`update event_wizard.my_events set title = 'Renamed Runway'`))).toEqual({
        code: '42501',
        message: expect.stringMatching(/permission denied for view my_events/),
      })
    })
  })

  describe('event_wizard.is_member', () => {
    const isMember = (claims: Claims, roles: string[] | null) =>
      withRls(database.db, claims, async (tx) => {
        const [row] = await queryRows<{ member: boolean }>(
          tx,
          roles
            ? sql`select event_wizard.is_member(${f.organizationId}::uuid, ${`{${roles.join(',')}}`}::text[]) as member`
            : sql`select event_wizard.is_member(${f.organizationId}::uuid, null) as member`,
        )
        return row?.member
      })

    it.each([
      ['creator', true],
      ['member', true],
      ['owner', true],
      ['admin', true],
      ['outsider', false],
    ] as const)('for any role, as %s, is %s', async (actor, expected) => {
      expect(await isMember(f.users[actor].claims, null)).toBe(expected)
    })

    it.each([
      ['creator', false],
      ['member', false],
      ['owner', true],
      ['admin', true],
      ['outsider', false],
    ] as const)('for the managing roles, as %s, is %s', async (actor, expected) => {
      expect(await isMember(f.users[actor].claims, ['owner', 'admin'])).toBe(expected)
    })

    it('may not be called by anon', async () => {
      const error = await isMember(anonClaims, null).then(
        () => undefined,
        (caught: unknown) => caught,
      )
      expect(sqlState(error)).toBe('42501')
      expect(sqlMessage(error)).toMatch(/permission denied for function is_member/)
    })
  })

  describe('the request role', () => {
    it.each([
      ['authenticated', (fx: Fixture): Claims => fx.users.member.claims],
      ['anon', (): Claims => anonClaims],
    ] as const)('is %s inside withRls, and can neither bypass RLS nor act as superuser', async (role, claimsFor) => {
      const seen = await withRls(database.db, claimsFor(f), (tx) => currentRole(tx))
      expect(seen).toEqual({ role, bypassrls: false, superuser: false })
    })
  })
})
