import { sql } from 'drizzle-orm'
import {
  type AnyPgColumn,
  boolean,
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgPolicy,
  pgSchema,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { anonRole, authenticatedRole, authUid, authUsers } from 'drizzle-orm/supabase'
import { eventTypes, type MemberRole, managerRoles, memberRoles, stageIds, venueModes } from './vocabulary'

/**
 * Every table of the app lives in `event_wizard`, not `public`: on Supabase, `public` is served by
 * PostgREST to anyone holding the anon key, and the core must be the only way to change data.
 * `auth.users` comes from Supabase, or from db/bootstrap.sql elsewhere.
 */
export const eventWizard = pgSchema('event_wizard')

const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}

/** A list of values as a SQL array literal for checks; the values are constants of this file. */
const sqlList = (values: readonly string[]) => sql.raw(values.map((value) => `'${value}'`).join(', '))

/** Membership test for policies: a SECURITY DEFINER function, so a policy never queries its own table. */
const isMember = (organizationId: AnyPgColumn | ReturnType<typeof sql>, roles?: MemberRole[]) =>
  roles ? sql`event_wizard.is_member(${organizationId}, array[${sqlList(roles)}]::text[])` : sql`event_wizard.is_member(${organizationId}, null)`

export { type MemberRole, memberRoles } from './vocabulary'

const managers = managerRoles

export const sessionStatuses = ['in_progress', 'completed', 'abandoned', 'expired'] as const
export const actionSources = ['form', 'copilot', 'api', 'webhook'] as const
export const actionResults = ['succeeded', 'failed'] as const
export const eventStatuses = ['published', 'unpublished', 'cancelled'] as const
export type EventStatus = (typeof eventStatuses)[number]

export const organizations = eventWizard.table(
  'organizations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    createdBy: uuid('created_by').references(() => authUsers.id, { onDelete: 'set null' }),
    ...timestamps,
  },
  (t) => [
    check('organizations_name_length', sql`char_length(${t.name}) between 1 and 120`),
    index('organizations_created_by_idx').on(t.createdBy),
    pgPolicy('members can read their organizations', {
      for: 'select',
      to: authenticatedRole,
      using: isMember(t.id),
    }),
  ],
)

export const organizationMembers = eventWizard.table(
  'organization_members',
  {
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => authUsers.id, { onDelete: 'cascade' }),
    role: text('role', { enum: memberRoles }).notNull(),
    ...timestamps,
  },
  (t) => [
    primaryKey({ name: 'organization_members_pkey', columns: [t.organizationId, t.userId] }),
    check('organization_members_role_valid', sql`${t.role} in (${sqlList(memberRoles)})`),
    index('organization_members_user_id_idx').on(t.userId),
    pgPolicy('members can read the members of their organizations', {
      for: 'select',
      to: authenticatedRole,
      using: isMember(t.organizationId),
    }),
    // Owners manage everyone; admins manage members and admins, never owners (nor make one). An
    // organization always keeps an owner: the trigger of drizzle/0017 refuses losing the last.
    pgPolicy('owners and admins can change roles', {
      for: 'update',
      to: authenticatedRole,
      using: sql`${isMember(t.organizationId, ['owner'])} or (${isMember(t.organizationId, ['admin'])} and ${t.role} <> 'owner')`,
      withCheck: sql`${isMember(t.organizationId, ['owner'])} or (${isMember(t.organizationId, ['admin'])} and ${t.role} <> 'owner')`,
    }),
    pgPolicy('owners and admins can remove members, and anyone can leave', {
      for: 'delete',
      to: authenticatedRole,
      using: sql`${t.userId} = ${authUid} or ${isMember(t.organizationId, ['owner'])} or (${isMember(t.organizationId, ['admin'])} and ${t.role} <> 'owner')`,
    }),
  ],
)

export const invitedRoles = ['admin', 'member'] as const satisfies readonly MemberRole[]

/**
 * An invitation to join an organization, sent by e-mail. Only the hash of its token is kept: the token
 * is derived from the id with a server secret when the e-mail is sent. At most one pending invitation
 * per organization and e-mail; sending again replaces it. Managers read them; only the core writes.
 */
export const organizationInvitations = eventWizard.table(
  'organization_invitations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    role: text('role', { enum: invitedRoles }).notNull(),
    tokenHash: text('token_hash').notNull().unique('organization_invitations_token_hash_key'),
    invitedBy: uuid('invited_by').references(() => authUsers.id, { onDelete: 'set null' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    acceptedBy: uuid('accepted_by').references(() => authUsers.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('organization_invitations_role_valid', sql`${t.role} in (${sqlList(invitedRoles)})`),
    check('organization_invitations_email_lower_case', sql`${t.email} = lower(${t.email})`),
    uniqueIndex('organization_invitations_pending_key').on(t.organizationId, sql`lower(${t.email})`).where(sql`${t.acceptedAt} is null`),
    index('organization_invitations_invited_by_idx').on(t.invitedBy),
    index('organization_invitations_accepted_by_idx').on(t.acceptedBy),
    pgPolicy('organization managers can read its invitations', {
      for: 'select',
      to: authenticatedRole,
      using: isMember(t.organizationId, managers),
    }),
  ],
)

export const wizardSessions = eventWizard.table(
  'wizard_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => authUsers.id, { onDelete: 'cascade' }),
    organizationId: uuid('organization_id').references(() => organizations.id, { onDelete: 'cascade' }),
    currentStage: text('current_stage', { enum: stageIds }).notNull().default('organizerSetup'),
    completedStages: text('completed_stages', { enum: stageIds }).array().notNull().default(sql`'{}'::text[]`),
    organizerSetup: jsonb('organizer_setup'),
    eventSetup: jsonb('event_setup'),
    venueSetup: jsonb('venue_setup'),
    ticketSetup: jsonb('ticket_setup'),
    paymentSetup: jsonb('payment_setup'),
    sponsorsMedia: jsonb('sponsors_media'),
    reviewPublish: jsonb('review_publish'),
    completionDetails: jsonb('completion_details').notNull().default(sql`'{}'::jsonb`),
    completionPercentage: smallint('completion_percentage').notNull().default(0),
    stripeAccountId: text('stripe_account_id'),
    eventId: uuid('event_id'),
    /** Set on an edit session: the published event whose changes it collects (server/wizard/edit-event.ts). */
    editsEventId: uuid('edits_event_id'),
    status: text('status', { enum: sessionStatuses }).notNull().default('in_progress'),
    version: integer('version').notNull().default(1),
    ...timestamps,
    lastInteractionAt: timestamp('last_interaction_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull().default(sql`now() + interval '7 days'`),
  },
  (t) => [
    foreignKey({
      name: 'wizard_sessions_event_id_fkey',
      columns: [t.eventId],
      foreignColumns: [events.id],
    }).onDelete('set null'),
    foreignKey({
      name: 'wizard_sessions_edits_event_id_fkey',
      columns: [t.editsEventId],
      foreignColumns: [events.id],
    }).onDelete('cascade'),
    // One open edit session per event: a second organizer who opens Edit resumes it.
    uniqueIndex('wizard_sessions_one_open_edit_idx').on(t.editsEventId).where(sql`${t.status} = 'in_progress'`),
    check('wizard_sessions_current_stage_valid', sql`${t.currentStage} in (${sqlList(stageIds)})`),
    check('wizard_sessions_completed_stages_valid', sql`${t.completedStages} <@ array[${sqlList(stageIds)}]::text[]`),
    check('wizard_sessions_status_valid', sql`${t.status} in (${sqlList(sessionStatuses)})`),
    check('wizard_sessions_completion_percentage_range', sql`${t.completionPercentage} between 0 and 100`),
    check('wizard_sessions_version_positive', sql`${t.version} > 0`),
    // The dashboard and `wizard.create` ask for "my newest unfinished sessions" (per organization).
    index('wizard_sessions_user_status_updated_idx').on(t.userId, t.status, t.updatedAt.desc()),
    index('wizard_sessions_organization_status_updated_idx').on(t.organizationId, t.status, t.updatedAt.desc()),
    index('wizard_sessions_stripe_account_id_idx').on(t.stripeAccountId),
    index('wizard_sessions_event_id_idx').on(t.eventId),
    // cleanup_expired_sessions() scans by status and expiry.
    index('wizard_sessions_status_expires_idx').on(t.status, t.expiresAt),
    pgPolicy('owners and organization members can read sessions', {
      for: 'select',
      to: authenticatedRole,
      using: sql`${t.userId} = ${authUid} or (${t.organizationId} is not null and ${isMember(t.organizationId)})`,
    }),
    pgPolicy('users can start sessions for themselves in their organizations', {
      for: 'insert',
      to: authenticatedRole,
      // An edit session only for an event they may change, in the event's own organization.
      withCheck: sql`${t.userId} = ${authUid} and (${t.organizationId} is null or ${isMember(t.organizationId)}) and (${t.editsEventId} is null or event_wizard.may_change_event(${t.editsEventId}, ${t.organizationId}))`,
    }),
    pgPolicy('owners and organization managers can change sessions', {
      for: 'update',
      to: authenticatedRole,
      using: sql`${t.userId} = ${authUid} or (${t.organizationId} is not null and ${isMember(t.organizationId, managers)})`,
      // The changed row must still be theirs to change: nobody moves a session into an organization
      // they could not have started it in.
      withCheck: sql`(${t.userId} = ${authUid} and (${t.organizationId} is null or ${isMember(t.organizationId)})) or (${t.organizationId} is not null and ${isMember(t.organizationId, managers)})`,
    }),
    pgPolicy('owners and organization managers can delete sessions', {
      for: 'delete',
      to: authenticatedRole,
      using: sql`${t.userId} = ${authUid} or (${t.organizationId} is not null and ${isMember(t.organizationId, managers)})`,
    }),
  ],
)

export const wizardActions = eventWizard.table(
  'wizard_actions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id').references(() => wizardSessions.id, { onDelete: 'set null' }),
    userId: uuid('user_id').references(() => authUsers.id, { onDelete: 'set null' }),
    organizationId: uuid('organization_id').references(() => organizations.id, { onDelete: 'set null' }),
    actionName: text('action_name').notNull(),
    stage: text('stage', { enum: stageIds }),
    source: text('source', { enum: actionSources }).notNull(),
    idempotencyKey: text('idempotency_key'),
    payload: jsonb('payload'),
    result: text('result', { enum: actionResults }).notNull(),
    errorMessage: text('error_message'),
    durationMs: integer('duration_ms').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('wizard_actions_source_valid', sql`${t.source} in (${sqlList(actionSources)})`),
    check('wizard_actions_result_valid', sql`${t.result} in (${sqlList(actionResults)})`),
    check('wizard_actions_stage_valid', sql`${t.stage} is null or ${t.stage} in (${sqlList(stageIds)})`),
    check('wizard_actions_duration_non_negative', sql`${t.durationMs} >= 0`),
    check('wizard_actions_idempotency_key_length', sql`char_length(${t.idempotencyKey}) between 1 and 255`),
    // Per user: a key one client chose must not collide with another user's rows, which it cannot see.
    unique('wizard_actions_user_idempotency_key_key').on(t.userId, t.idempotencyKey),
    index('wizard_actions_session_id_idx').on(t.sessionId),
    index('wizard_actions_organization_id_idx').on(t.organizationId),
    index('wizard_actions_created_at_idx').on(t.createdAt),
    pgPolicy('whoever can read a session can read its actions', {
      for: 'select',
      to: authenticatedRole,
      using: sql`${t.userId} = ${authUid} or (${t.sessionId} is not null and exists (select 1 from event_wizard.wizard_sessions s where s.id = ${t.sessionId}))`,
    }),
    pgPolicy('users can record their own actions on sessions they can read', {
      for: 'insert',
      to: authenticatedRole,
      // An action names the session's own organization (or none), never one picked by the writer.
      withCheck: sql`${t.userId} = ${authUid} and (${t.organizationId} is null or ${isMember(t.organizationId)}) and (${t.sessionId} is null or exists (select 1 from event_wizard.wizard_sessions s where s.id = ${t.sessionId} and s.organization_id is not distinct from ${t.organizationId}))`,
    }),
  ],
)

export const events = eventWizard.table(
  'events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => authUsers.id, { onDelete: 'cascade' }),
    organizationId: uuid('organization_id').references(() => organizations.id, { onDelete: 'cascade' }),
    sessionId: uuid('session_id').references((): AnyPgColumn => wizardSessions.id, { onDelete: 'set null' }),
    title: text('title').notNull(),
    slug: text('slug').notNull(),
    type: text('type', { enum: eventTypes }).notNull(),
    description: text('description'),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    /** Null when the organizer gave no end time. */
    endsAt: timestamp('ends_at', { withTimezone: true }),
    timezone: text('timezone').notNull(),
    venueMode: text('venue_mode', { enum: venueModes }).notNull(),
    venue: jsonb('venue'),
    onlineUrl: text('online_url'),
    capacity: integer('capacity'),
    stripeAccountId: text('stripe_account_id'),
    paymentEnabled: boolean('payment_enabled').notNull().default(false),
    coverImageUrl: text('cover_image_url'),
    sponsors: jsonb('sponsors').notNull().default(sql`'[]'::jsonb`),
    status: text('status', { enum: eventStatuses }).notNull().default('published'),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    /** When the organizer cancelled it; its orders are then wound down (server/orders/cancel-event.ts). */
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    /** What the organizer tells attendees, on the public page and in the e-mail. */
    cancellationMessage: text('cancellation_message'),
    /** Seats held by pending and confirmed orders, across tiers: see "Registrations" below. */
    reserved: integer('reserved').notNull().default(0),
    ...timestamps,
  },
  (t) => [
    // Capacity is Postgres's invariant: an order that would pass it fails its conditional update.
    check('events_reserved_within_capacity', sql`${t.reserved} >= 0 and (${t.capacity} is null or ${t.reserved} <= ${t.capacity})`),
    // One event per session: this is what makes publishing idempotent.
    unique('events_session_id_key').on(t.sessionId),
    unique('events_slug_key').on(t.slug),
    check('events_title_length', sql`char_length(${t.title}) between 3 and 120`),
    check('events_slug_format', sql`${t.slug} ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(${t.slug}) <= 160`),
    check('events_type_valid', sql`${t.type} in (${sqlList(eventTypes)})`),
    check('events_description_length', sql`char_length(${t.description}) <= 5000`),
    check('events_ends_after_start', sql`${t.endsAt} > ${t.startsAt}`),
    check('events_venue_mode_valid', sql`${t.venueMode} in (${sqlList(venueModes)})`),
    check('events_online_url_https', sql`${t.onlineUrl} like 'https://%' and char_length(${t.onlineUrl}) <= 2048`),
    check('events_cover_image_url_https', sql`${t.coverImageUrl} like 'https://%' and char_length(${t.coverImageUrl}) <= 2048`),
    check('events_capacity_positive', sql`${t.capacity} > 0`),
    check('events_sponsors_array', sql`jsonb_typeof(${t.sponsors}) = 'array'`),
    check('events_status_valid', sql`${t.status} in (${sqlList(eventStatuses)})`),
    check('events_cancellation_message_length', sql`char_length(${t.cancellationMessage}) <= 2000`),
    // A cancelled event stays cancelled: it is what its attendees were told and refunded for.
    check('events_cancelled_when', sql`(${t.status} = 'cancelled') = (${t.cancelledAt} is not null)`),
    // With the start: a dashboard lists someone's events newest first, from the index alone.
    index('events_user_id_idx').on(t.userId, t.startsAt),
    index('events_organization_id_idx').on(t.organizationId, t.startsAt),
    index('events_stripe_account_id_idx').on(t.stripeAccountId),
    // The cancellation sweeper's walk: the few cancelled events, not every event.
    index('events_cancelled_idx').on(t.cancelledAt).where(sql`${t.status} = 'cancelled'`),
    // A cancelled event stays readable: its public page tells visitors and attendees it is cancelled.
    pgPolicy('anyone can read published events', {
      for: 'select',
      to: anonRole,
      using: sql`${t.status} in ('published', 'cancelled')`,
    }),
    pgPolicy('users can read published events and those of their organizations', {
      for: 'select',
      to: authenticatedRole,
      using: sql`${t.status} in ('published', 'cancelled') or ${t.userId} = ${authUid} or (${t.organizationId} is not null and ${isMember(t.organizationId)})`,
    }),
    pgPolicy('users can publish events for themselves in their organizations', {
      for: 'insert',
      to: authenticatedRole,
      withCheck: sql`${t.userId} = ${authUid} and (${t.organizationId} is null or ${isMember(t.organizationId)})`,
    }),
    pgPolicy('publishers and organization managers can change events', {
      for: 'update',
      to: authenticatedRole,
      using: sql`${t.userId} = ${authUid} or (${t.organizationId} is not null and ${isMember(t.organizationId, managers)})`,
      withCheck: sql`(${t.userId} = ${authUid} and (${t.organizationId} is null or ${isMember(t.organizationId)})) or (${t.organizationId} is not null and ${isMember(t.organizationId, managers)})`,
    }),
  ],
)

/**
 * Events with every column, for the people of each event only: its publisher and the members of its
 * organization (the rule of the events' select policy, minus "published"). `authenticated` may select
 * only the public columns of `events` (drizzle/0009), like `anon`, so the meeting URL, the payment
 * account and who published an event never reach another tenant; the dashboard, publish and unpublish
 * read those columns here. Not security_invoker: it reads as its owner and filters by the caller
 * itself; security_barrier, so no condition of a query on it runs before that filter.
 */
export const myEventsView = eventWizard
  .view('my_events')
  .with({ securityBarrier: true })
  .as((qb) =>
    qb
      .select()
      .from(events)
      .where(sql`${events.userId} = ${authUid} or (${events.organizationId} is not null and ${isMember(events.organizationId)})`),
  )

/**
 * Whether the caller published the event or belongs to its organization (with one of `roles`, or any):
 * a SECURITY DEFINER function (drizzle/0009), because `authenticated` may not select an event's
 * `user_id` or `organization_id` (those columns are for the event's own people, see `myEvents`).
 */
const isPublisherOrMember = (eventId: AnyPgColumn, roles?: MemberRole[]) =>
  roles ? sql`event_wizard.is_publisher_or_member(${eventId}, array[${sqlList(roles)}]::text[])` : sql`event_wizard.is_publisher_or_member(${eventId}, null)`

/** Who may change an event's tiers: whoever may change the event. */
const canChangeEvent = (eventId: AnyPgColumn) => isPublisherOrMember(eventId, managers)

export const eventTicketTiers = eventWizard.table(
  'event_ticket_tiers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    eventId: uuid('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    position: smallint('position').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    price: integer('price').notNull(),
    currency: text('currency').notNull(),
    quantity: integer('quantity').notNull(),
    salesStart: timestamp('sales_start', { withTimezone: true }),
    salesEnd: timestamp('sales_end', { withTimezone: true }),
    minPerOrder: integer('min_per_order'),
    maxPerOrder: integer('max_per_order'),
    hidden: boolean('hidden').notNull().default(false),
    /** Seats of this tier held by pending and confirmed orders. */
    reserved: integer('reserved').notNull().default(0),
    ...timestamps,
  },
  (t) => [
    check('event_ticket_tiers_reserved_within_quantity', sql`${t.reserved} between 0 and ${t.quantity}`),
    // Deferrable (drizzle/0018): publishing an edit renumbers the tiers within one transaction.
    unique('event_ticket_tiers_event_position_key').on(t.eventId, t.position),
    check('event_ticket_tiers_position_range', sql`${t.position} between 0 and 19`),
    check('event_ticket_tiers_name_length', sql`char_length(${t.name}) between 1 and 80`),
    check('event_ticket_tiers_description_length', sql`char_length(${t.description}) <= 500`),
    check('event_ticket_tiers_price_non_negative', sql`${t.price} >= 0`),
    check('event_ticket_tiers_currency_format', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check('event_ticket_tiers_quantity_positive', sql`${t.quantity} > 0`),
    check('event_ticket_tiers_sales_window', sql`${t.salesStart} < ${t.salesEnd}`),
    check('event_ticket_tiers_min_per_order_positive', sql`${t.minPerOrder} >= 1`),
    check('event_ticket_tiers_order_limits', sql`${t.minPerOrder} <= ${t.maxPerOrder} and ${t.maxPerOrder} <= ${t.quantity}`),
    pgPolicy('anyone can read the visible tiers of published events', {
      for: 'select',
      to: anonRole,
      using: sql`not ${t.hidden} and exists (select 1 from event_wizard.events e where e.id = ${t.eventId} and e.status = 'published')`,
    }),
    pgPolicy('users can read the visible tiers of events they can read, and hidden ones of their own', {
      for: 'select',
      to: authenticatedRole,
      using: sql`(not ${t.hidden} and exists (select 1 from event_wizard.events e where e.id = ${t.eventId} and e.status = 'published')) or ${isPublisherOrMember(t.eventId)}`,
    }),
    pgPolicy('publishers and organization managers can add tiers', {
      for: 'insert',
      to: authenticatedRole,
      withCheck: canChangeEvent(t.eventId),
    }),
    pgPolicy('publishers and organization managers can change tiers', {
      for: 'update',
      to: authenticatedRole,
      using: canChangeEvent(t.eventId),
      withCheck: canChangeEvent(t.eventId),
    }),
    pgPolicy('publishers and organization managers can remove tiers', {
      for: 'delete',
      to: authenticatedRole,
      using: canChangeEvent(t.eventId),
    }),
  ],
)

/** One connected Stripe account per organization, or per user without one. Server only: no policies. */
export const paymentAccounts = eventWizard
  .table(
    'payment_accounts',
    {
      id: uuid('id').primaryKey().defaultRandom(),
      organizationId: uuid('organization_id').references(() => organizations.id, { onDelete: 'cascade' }),
      userId: uuid('user_id').references(() => authUsers.id, { onDelete: 'cascade' }),
      stripeAccountId: text('stripe_account_id').notNull(),
      chargesEnabled: boolean('charges_enabled').notNull().default(false),
      payoutsEnabled: boolean('payouts_enabled').notNull().default(false),
      detailsSubmitted: boolean('details_submitted').notNull().default(false),
      requirements: jsonb('requirements'),
      disconnectedAt: timestamp('disconnected_at', { withTimezone: true }),
      lastEventCreated: timestamp('last_event_created', { withTimezone: true }),
      ...timestamps,
    },
    (t) => [
      unique('payment_accounts_stripe_account_id_key').on(t.stripeAccountId),
      unique('payment_accounts_organization_id_key').on(t.organizationId),
      unique('payment_accounts_user_id_key').on(t.userId),
      check('payment_accounts_one_owner', sql`num_nonnulls(${t.organizationId}, ${t.userId}) = 1`),
    ],
  )
  .enableRLS()

/** Stripe webhook events as received; server only: no policies. */
export const stripeEvents = eventWizard
  .table(
    'stripe_events',
    {
      id: text('id').primaryKey(),
      type: text('type').notNull(),
      account: text('account'),
      payload: jsonb('payload').notNull(),
      receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
      processedAt: timestamp('processed_at', { withTimezone: true }),
      attempts: integer('attempts').notNull().default(0),
      error: text('error'),
    },
    (t) => [
      check('stripe_events_attempts_non_negative', sql`${t.attempts} >= 0`),
      index('stripe_events_account_idx').on(t.account),
      index('stripe_events_unprocessed_idx').on(t.receivedAt).where(sql`${t.processedAt} is null`),
    ],
  )
  .enableRLS()

/**
 * Sign-in sessions of local accounts: every token the server issues names one (`sid`), and a token
 * whose session was ended (sign-out) or is gone (its account was deleted) is refused. Read and ended
 * under RLS with the token's own claims; the server starts one at sign-in for the account it just
 * checked.
 */
export const authSessions = eventWizard.table(
  'auth_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => authUsers.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** When the newest token of this session expires; renewing a token moves it. Cleanup prunes by it. */
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    index('auth_sessions_user_id_idx').on(t.userId),
    index('auth_sessions_expires_at_idx').on(t.expiresAt),
    pgPolicy('users can read their own sign-in sessions', {
      for: 'select',
      to: authenticatedRole,
      using: sql`${t.userId} = ${authUid}`,
    }),
    pgPolicy('users can start sign-in sessions for themselves', {
      for: 'insert',
      to: authenticatedRole,
      withCheck: sql`${t.userId} = ${authUid} and ${t.revokedAt} is null`,
    }),
    pgPolicy('users can renew or end their own sign-in sessions, never reopen one', {
      for: 'update',
      to: authenticatedRole,
      using: sql`${t.userId} = ${authUid} and ${t.revokedAt} is null`,
      withCheck: sql`${t.userId} = ${authUid}`,
    }),
  ],
)

/**
 * Rate-limit counters shared by every instance (rate-limiter-flexible's store, on Postgres only; the
 * embedded database keeps them in memory). Server only: no policy, and no grant to anon or
 * authenticated (drizzle/0007); the server counts through the service role.
 */
export const rateLimits = eventWizard
  .table(
    'rate_limits',
    {
      key: text('key').primaryKey(),
      points: integer('points').notNull(),
      /** Null: the counter never expires (rate-limiter-flexible's duration 0). */
      expire: timestamp('expire', { withTimezone: true }),
    },
    (t) => [index('rate_limits_expire_idx').on(t.expire)],
  )
  .enableRLS()

/**
 * Who owns each copilot chat thread, and for which wizard. The browser picks the thread id; the first
 * request on it claims it, and every later request on it (run, connect, stop) must come from the same
 * user for the same wizard, on any instance. A user reads only their own threads: someone else's
 * thread id finds nothing, which the copilot route answers like an unknown session (404).
 */
export const copilotThreads = eventWizard.table(
  'copilot_threads',
  {
    threadId: text('thread_id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => authUsers.id, { onDelete: 'cascade' }),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => wizardSessions.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('copilot_threads_thread_id_length', sql`char_length(${t.threadId}) between 1 and 200`),
    index('copilot_threads_user_id_idx').on(t.userId),
    index('copilot_threads_session_id_idx').on(t.sessionId),
    pgPolicy('users can read their own copilot threads', {
      for: 'select',
      to: authenticatedRole,
      using: sql`${t.userId} = ${authUid}`,
    }),
    pgPolicy('users can start copilot threads on sessions they can read', {
      for: 'insert',
      to: authenticatedRole,
      withCheck: sql`${t.userId} = ${authUid} and exists (select 1 from event_wizard.wizard_sessions s where s.id = ${t.sessionId})`,
    }),
  ],
)

/*
 * Registrations and ticket sales (decision 008). Orders are written by the core only (as the service
 * role: buyers may be anonymous, and the core checks every rule); users read them under RLS.
 */

export const orderStatuses = ['pending', 'confirmed', 'expired', 'cancelled', 'refunded'] as const
export type OrderStatus = (typeof orderStatuses)[number]
export const ticketStatuses = ['valid', 'void'] as const
export const emailStatuses = ['pending', 'sent', 'failed', 'skipped'] as const

/**
 * Whoever may read an event's orders: its publisher and every member of its organization. Through
 * the SECURITY DEFINER function: `authenticated` may not read who published an event (drizzle/0009).
 */
const canReadOrdersOfEvent = (eventId: AnyPgColumn) => isPublisherOrMember(eventId)

/** Whoever may refund or cancel an event's orders: its publisher and its organization's managers. */
const canManageOrdersOfEvent = (eventId: AnyPgColumn) => isPublisherOrMember(eventId, managers)

export const orders = eventWizard.table(
  'orders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    eventId: uuid('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    /** The signed-in buyer; null for a buyer without an account. */
    userId: uuid('user_id').references(() => authUsers.id, { onDelete: 'set null' }),
    buyerName: text('buyer_name').notNull(),
    buyerEmail: text('buyer_email').notNull(),
    status: text('status', { enum: orderStatuses }).notNull().default('pending'),
    /** In minor units of `currency`. */
    total: integer('total').notNull(),
    currency: text('currency').notNull(),
    applicationFee: integer('application_fee').notNull().default(0),
    /** SHA-256 of the key in the buyer's link and cookie; the key itself is never stored. */
    accessKeyHash: text('access_key_hash').notNull(),
    stripeCheckoutSessionId: text('stripe_checkout_session_id'),
    stripePaymentIntentId: text('stripe_payment_intent_id'),
    /** When a pending order's hold ends. */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    idempotencyKey: text('idempotency_key'),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    expiredAt: timestamp('expired_at', { withTimezone: true }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    refundedAt: timestamp('refunded_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    check('orders_status_valid', sql`${t.status} in (${sqlList(orderStatuses)})`),
    check('orders_buyer_name_length', sql`char_length(${t.buyerName}) between 1 and 120`),
    check('orders_buyer_email_format', sql`char_length(${t.buyerEmail}) <= 254 and ${t.buyerEmail} like '%_@_%'`),
    check('orders_total_non_negative', sql`${t.total} >= 0`),
    check('orders_currency_format', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check('orders_application_fee_within_total', sql`${t.applicationFee} between 0 and ${t.total}`),
    check('orders_idempotency_key_length', sql`char_length(${t.idempotencyKey}) between 1 and 255`),
    check('orders_pending_has_expiry', sql`${t.status} <> 'pending' or ${t.expiresAt} is not null`),
    unique('orders_event_idempotency_key_key').on(t.eventId, t.idempotencyKey),
    unique('orders_stripe_checkout_session_id_key').on(t.stripeCheckoutSessionId),
    unique('orders_stripe_payment_intent_id_key').on(t.stripePaymentIntentId),
    // An organizer lists an event's orders newest first; a buyer lists their own.
    index('orders_event_id_created_idx').on(t.eventId, t.createdAt.desc()),
    index('orders_user_id_created_idx').on(t.userId, t.createdAt.desc()),
    // The hold sweeper looks for pending orders past their expiry.
    index('orders_pending_expires_idx').on(t.expiresAt).where(sql`${t.status} = 'pending'`),
    pgPolicy('buyers can read their own orders', {
      for: 'select',
      to: authenticatedRole,
      using: sql`${t.userId} = ${authUid}`,
    }),
    pgPolicy("publishers and organization members can read their events' orders", {
      for: 'select',
      to: authenticatedRole,
      using: canReadOrdersOfEvent(t.eventId),
    }),
    // Refunds and cancels. Column grants (drizzle/0014) keep the rest of the order (buyer, amounts,
    // event, Stripe ids) out of reach; an order is only ever moved to an end state this way.
    pgPolicy("publishers and organization managers can cancel or refund their events' orders", {
      for: 'update',
      to: authenticatedRole,
      using: canManageOrdersOfEvent(t.eventId),
      withCheck: sql`${canManageOrdersOfEvent(t.eventId)} and ${t.status} in ('cancelled', 'refunded')`,
    }),
  ],
)

export const orderItems = eventWizard.table(
  'order_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    // Restrict: a tier that has sold seats is not removed from under its orders.
    tierId: uuid('tier_id')
      .notNull()
      .references(() => eventTicketTiers.id, { onDelete: 'restrict' }),
    quantity: integer('quantity').notNull(),
    /** The tier's price when the order was placed, in minor units. */
    unitPrice: integer('unit_price').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('order_items_order_tier_key').on(t.orderId, t.tierId),
    check('order_items_quantity_range', sql`${t.quantity} between 1 and 50`),
    check('order_items_unit_price_non_negative', sql`${t.unitPrice} >= 0`),
    index('order_items_tier_id_idx').on(t.tierId),
    pgPolicy('whoever can read an order can read its items', {
      for: 'select',
      to: authenticatedRole,
      using: sql`exists (select 1 from event_wizard.orders o where o.id = ${t.orderId})`,
    }),
  ],
)

export const tickets = eventWizard.table(
  'tickets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    tierId: uuid('tier_id')
      .notNull()
      .references(() => eventTicketTiers.id, { onDelete: 'restrict' }),
    eventId: uuid('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    /** Printed and scanned at the door: random, never derived from anything guessable. */
    code: text('code').notNull(),
    holderName: text('holder_name'),
    status: text('status', { enum: ticketStatuses }).notNull().default('valid'),
    checkedInAt: timestamp('checked_in_at', { withTimezone: true }),
    checkedInBy: uuid('checked_in_by').references(() => authUsers.id, { onDelete: 'set null' }),
    ...timestamps,
  },
  (t) => [
    unique('tickets_code_key').on(t.code),
    check('tickets_status_valid', sql`${t.status} in (${sqlList(ticketStatuses)})`),
    check('tickets_code_format', sql`${t.code} ~ '^[A-Z0-9]{12,32}$'`),
    check('tickets_holder_name_length', sql`char_length(${t.holderName}) between 1 and 120`),
    index('tickets_order_id_idx').on(t.orderId),
    index('tickets_tier_id_idx').on(t.tierId),
    index('tickets_event_id_idx').on(t.eventId),
    index('tickets_checked_in_by_idx').on(t.checkedInBy),
    pgPolicy('whoever can read an order can read its tickets', {
      for: 'select',
      to: authenticatedRole,
      using: sql`exists (select 1 from event_wizard.orders o where o.id = ${t.orderId})`,
    }),
    // Check-in at the door, by anyone of the event's people. Column grants (drizzle/0014) limit it to
    // the check-in columns; a check-in is recorded in the checker's own name, never another's.
    pgPolicy('publishers and organization members can check tickets in', {
      for: 'update',
      to: authenticatedRole,
      using: isPublisherOrMember(t.eventId),
      withCheck: sql`${isPublisherOrMember(t.eventId)} and ${t.checkedInAt} is not null and ${t.checkedInBy} = ${authUid}`,
    }),
  ],
)

/**
 * The transactional outbox: a row is written in the same transaction as the change that causes the
 * e-mail, so a rolled-back change sends nothing. Server only: no policies.
 */
export const emailOutbox = eventWizard
  .table(
    'email_outbox',
    {
      id: uuid('id').primaryKey().defaultRandom(),
      recipient: text('recipient').notNull(),
      template: text('template').notNull(),
      payload: jsonb('payload').notNull(),
      status: text('status', { enum: emailStatuses }).notNull().default('pending'),
      attempts: integer('attempts').notNull().default(0),
      nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
      lastError: text('last_error'),
      sentAt: timestamp('sent_at', { withTimezone: true }),
      ...timestamps,
    },
    (t) => [
      check('email_outbox_status_valid', sql`${t.status} in (${sqlList(emailStatuses)})`),
      check('email_outbox_attempts_non_negative', sql`${t.attempts} >= 0`),
      // The worker claims due rows oldest first.
      index('email_outbox_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    ],
  )
  .enableRLS()
