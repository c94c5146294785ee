import { randomUUID } from 'node:crypto'
import { stageIds } from '../../server/wizard/stages'
import { validStageData } from '../support/wizard-fixtures'

/** Runs one statement with parameters: postgres.js's `unsafe` or PGlite's `query`, both will do. */
export type Exec = (text: string, params?: unknown[]) => Promise<unknown>

export interface BenchUser {
  id: string
  email: string
  sessionId: string
  /** The sign-in session its tokens name (`sid`). */
  signInSessionId: string
}

/**
 * Users, each with an unfinished wizard at its first stage, inserted in bulk as the migrating role (the
 * bench measures the app, not the seeding).
 */
export async function seedUsers(exec: Exec, count: number): Promise<BenchUser[]> {
  const users = Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    email: `bench-${i}-${randomUUID().slice(0, 8)}@example.test`,
    sessionId: randomUUID(),
    signInSessionId: randomUUID(),
  }))
  const rows = JSON.stringify(users)
  await exec(`insert into auth.users (id, email) select id, email from jsonb_to_recordset($1::text::jsonb) as u(id uuid, email text)`, [rows])
  await exec(
    `insert into event_wizard.wizard_sessions (id, user_id)
     select "sessionId", id from jsonb_to_recordset($1::text::jsonb) as u(id uuid, "sessionId" uuid)`,
    [rows],
  )
  await exec(
    `insert into event_wizard.auth_sessions (id, user_id, expires_at)
     select "signInSessionId", id, now() + interval '1 day' from jsonb_to_recordset($1::text::jsonb) as u(id uuid, "signInSessionId" uuid)`,
    [rows],
  )
  return users
}

/** Wizards of `userId` complete up to the review, ready to publish. */
export async function seedPublishable(exec: Exec, userId: string, count: number, now = new Date()): Promise<string[]> {
  const data = validStageData(now)
  const ids = Array.from({ length: count }, () => randomUUID())
  await exec(
    `insert into event_wizard.wizard_sessions (id, user_id, current_stage, completed_stages, organizer_setup, event_setup,
       venue_setup, ticket_setup, payment_setup, sponsors_media)
     select id, $2, 'reviewPublish', $3::text[], $4::text::jsonb, $5::text::jsonb, $6::text::jsonb, $7::text::jsonb, '{"status":"not_required"}', $8::text::jsonb
     from unnest($1::uuid[]) as id`,
    [
      ids,
      userId,
      stageIds.filter((stage) => stage !== 'reviewPublish'),
      JSON.stringify(data.organizerSetup),
      JSON.stringify(data.eventSetup),
      JSON.stringify(data.venueSetup),
      JSON.stringify(data.ticketSetup),
      JSON.stringify(data.sponsorsMedia),
    ],
  )
  return ids
}

/** `count` more sessions and as many published events for one user, for the growth figures. */
export async function seedGrowth(exec: Exec, userId: string, from: number, to: number): Promise<void> {
  await exec(
    `insert into event_wizard.wizard_sessions (user_id, status, updated_at)
     select $1, case when g % 10 = 0 then 'in_progress' else 'completed' end, now() - make_interval(mins => g)
     from generate_series($2::int, $3::int) g`,
    [userId, from, to],
  )
  await exec(
    `insert into event_wizard.events (user_id, title, slug, type, starts_at, timezone, venue_mode, status, published_at)
     select $1, 'Bench event ' || g, 'bench-' || $4 || '-' || g, 'launch',
            now() + make_interval(hours => g), 'Europe/Paris', 'virtual', 'published', now()
     from generate_series($2::int, $3::int) g`,
    [userId, from, to, userId.slice(0, 8)],
  )
}

/** Sessions past their expiry, for the cleanup figure. */
export async function seedExpired(exec: Exec, userId: string, count: number): Promise<void> {
  await exec(`insert into event_wizard.wizard_sessions (user_id, expires_at) select $1, now() - interval '1 day' from generate_series(1, $2::int)`, [
    userId,
    count,
  ])
}

export interface OnSale {
  eventId: string
  tierId: string
  tierName: string
}

/** A published free event a month ahead, with one tier of `seats` and no event capacity: a sale that is open. */
export async function seedOnSale(exec: Exec, userId: string, seats: number): Promise<OnSale> {
  const eventId = randomUUID()
  const tierId = randomUUID()
  const tierName = 'General admission'
  await exec(
    `insert into event_wizard.events (id, user_id, title, slug, type, starts_at, timezone, venue_mode, status, published_at)
     values ($1, $2, 'Bench on-sale', 'bench-on-sale-' || $3, 'launch', now() + interval '30 days', 'Europe/Paris', 'virtual', 'published', now())`,
    [eventId, userId, eventId.slice(0, 8)],
  )
  await exec(
    `insert into event_wizard.event_ticket_tiers (id, event_id, position, name, price, currency, quantity)
     values ($1, $2, 0, $3, 0, 'EUR', $4)`,
    [tierId, eventId, tierName, seats],
  )
  return { eventId, tierId, tierName }
}
