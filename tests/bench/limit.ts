import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hashAccessKey } from '../../server/orders/access-keys'
import type { BenchUser, Exec, OnSale } from './seed'

/**
 * The transaction `wizard.merge` runs (merge.ts, save-change.ts), for pgbench: the user's claims and
 * role, the session's row lock, the update with data, progress and version, the audit row. Each
 * pgbench client is one user writing its own session (the `bench_clients` row of its `client_id`, read
 * in the statement that sets the claims, so the round trips are the app's five).
 */
const mergeTransactionScript = String.raw`\set n random(1, 1000000000)
begin;
select set_config('request.jwt.claims', claims, true), set_config('role', 'authenticated', true), session_id, user_id
  from public.bench_clients where client_id = :client_id \gset
select * from event_wizard.wizard_sessions where id = :session_id for update;
update event_wizard.wizard_sessions
  set organizer_setup = jsonb_build_object('name', 'Ada ' || :n), payment_setup = '{"status":"not_required"}',
      completed_stages = '{}', completion_details = '{"organizerSetup":33}', completion_percentage = 3,
      version = version + 1, last_interaction_at = now(), expires_at = now() + interval '7 days'
  where id = :session_id returning *;
insert into event_wizard.wizard_actions (session_id, user_id, action_name, stage, source, payload, result, duration_ms)
  values (:session_id, :user_id, 'merge', 'organizerSetup', 'api', jsonb_build_object('data', jsonb_build_object('name', 'Ada ' || :n)),
    'succeeded', 1);
commit;
`

/** pgbench's clients for the merge limit: one user and session each, as the HTTP runs' connections. */
export async function seedMergeClients(exec: Exec, users: BenchUser[]) {
  await exec('create table public.bench_clients (client_id int primary key, claims text not null, session_id uuid not null, user_id uuid not null)')
  await exec('grant select on public.bench_clients to public')
  const rows = users.map((user, clientId) => ({
    client_id: clientId,
    claims: JSON.stringify({ role: 'authenticated', sub: user.id, aud: 'authenticated', email: user.email }),
    session_id: user.sessionId,
    user_id: user.id,
  }))
  await exec(
    'insert into public.bench_clients select * from jsonb_to_recordset($1::text::jsonb) as c(client_id int, claims text, session_id uuid, user_id uuid)',
    [JSON.stringify(rows)],
  )
}

/** The limit of a merge, set by Postgres: pgbench (prepared statements, as the app's) runs the merge transaction. */
export function mergeTransactionLimit(url: string, clients: number, seconds: number): Promise<PgbenchResult> {
  return pgbench(url, mergeTransactionScript, {}, clients, seconds)
}

/**
 * The transaction `orders.place` runs for one free ticket (place-order.ts, capacity.ts,
 * confirm-order.ts), statement for statement as Drizzle sends it, for pgbench: the service role's
 * claims, the event and tier read, the conditional updates of the tier's and the event's `reserved`,
 * the order, its item, its ticket and the confirmation's outbox row. The order id comes back from the
 * order's insert (`returning "id" \gset`) where the app draws it beforehand: the same round trips.
 */
const orderTransactionScript = String.raw`\set idempotency_key random(1, 9223372036854775806)
\set code random(1000000000000000000, 9223372036854775806)
begin;
select set_config('request.jwt.claims', '{"role":"service_role"}', true), set_config('role', 'service_role', true);
select "id", "status", "starts_at", "ends_at", "capacity", "reserved", "payment_enabled" from "event_wizard"."events"
  where "event_wizard"."events"."id" = :event_id;
select "id", "event_id", "position", "name", "description", "price", "currency", "quantity", "sales_start", "sales_end",
    "min_per_order", "max_per_order", "hidden", "reserved", "created_at", "updated_at" from "event_wizard"."event_ticket_tiers"
  where ("event_wizard"."event_ticket_tiers"."event_id" = :event_id and "event_wizard"."event_ticket_tiers"."id" in (:tier_id));
update "event_wizard"."event_ticket_tiers" set "reserved" = "event_wizard"."event_ticket_tiers"."reserved" + :quantity
  where ("event_wizard"."event_ticket_tiers"."id" = :tier_id and "event_wizard"."event_ticket_tiers"."event_id" = :event_id
    and "event_wizard"."event_ticket_tiers"."reserved" + :quantity <= "event_wizard"."event_ticket_tiers"."quantity")
  returning "id";
update "event_wizard"."events" set "reserved" = "event_wizard"."events"."reserved" + :quantity
  where ("event_wizard"."events"."id" = :event_id
    and ("event_wizard"."events"."capacity" is null or "event_wizard"."events"."reserved" + :quantity <= "event_wizard"."events"."capacity"))
  returning "id";
insert into "event_wizard"."orders" ("id", "event_id", "user_id", "buyer_name", "buyer_email", "status", "total", "currency",
    "application_fee", "access_key_hash", "stripe_checkout_session_id", "stripe_payment_intent_id", "expires_at", "idempotency_key",
    "confirmed_at", "expired_at", "cancelled_at", "refunded_at", "created_at", "updated_at")
  values (default, :event_id, null, :buyer_name, :buyer_email, 'confirmed', 0, 'EUR', default, :access_key_hash, default, default,
    default, :idempotency_key, now(), default, default, default, default, default)
  returning "id" \gset order_
insert into "event_wizard"."order_items" ("id", "order_id", "tier_id", "quantity", "unit_price", "created_at")
  values (default, :order_id, :tier_id, :quantity, 0, default);
insert into "event_wizard"."tickets" ("id", "order_id", "tier_id", "event_id", "code", "holder_name", "status", "checked_in_at",
    "checked_in_by", "created_at", "updated_at")
  values (default, :order_id, :tier_id, :event_id, :code, :buyer_name, default, default, default, default, default);
insert into "event_wizard"."email_outbox" ("id", "recipient", "template", "payload", "status", "attempts", "next_attempt_at",
    "last_error", "sent_at", "created_at", "updated_at")
  values (default, :buyer_email, 'order-confirmation', ('{"orderId":"' || :order_id || '"}')::jsonb, default, default, default,
    default, default, default, default);
commit;
`

export interface PgbenchResult {
  transactionsPerSecond: number
  p50: number
  p99: number
  /** Transactions that failed and clients that pgbench aborted on an error. */
  errors: number
}

export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0

/**
 * The limit of an order, set by Postgres: pgbench (prepared statements, as the app's) runs the order
 * transaction against one tier with seats for every transaction, so what is measured is successful
 * orders contending for the same two rows. Latency percentiles from pgbench's per-transaction log.
 */
export function orderTransactionLimit(url: string, sale: OnSale, clients: number, seconds: number): Promise<PgbenchResult> {
  const variables = {
    event_id: sale.eventId,
    tier_id: sale.tierId,
    quantity: '1',
    buyer_name: 'Bench buyer',
    buyer_email: 'buyer@example.test',
    access_key_hash: hashAccessKey('bench'),
  }
  return pgbench(url, orderTransactionScript, variables, clients, seconds)
}

/** pgbench present on this machine? (It comes with Postgres's client packages.) */
export async function pgbenchVersion(): Promise<string | null> {
  try {
    return (await run('pgbench', ['--version'])).stdout.trim()
  } catch {
    return null
  }
}

/** One pgbench run of `script`: transactions/s, latency percentiles from its per-transaction log, errors. */
async function pgbench(url: string, script: string, variables: Record<string, string>, clients: number, seconds: number): Promise<PgbenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'event-wizard-pgbench-'))
  try {
    const file = join(dir, 'transaction.sql')
    writeFileSync(file, script)
    const args = ['-n', '-M', 'prepared', '-c', String(clients), '-j', '2', '-T', String(seconds), '-f', file, '-l', `--log-prefix=${join(dir, 'log')}`]
    for (const [name, value] of Object.entries(variables)) args.push('-D', `${name}=${value}`)
    const { stdout, stderr } = await run('pgbench', [...args, url])
    const processed = stdout.match(/number of transactions actually processed: (\d+)/)?.[1]
    if (processed === undefined) throw new Error(`pgbench gave no figures:\n${stdout}\n${stderr}`)
    // No tps line when no transaction completed (every client still waiting for its first).
    const tps = Number(stdout.match(/tps = ([\d.]+) \(without initial connection time\)/)?.[1] ?? 0)
    const failed = Number(stdout.match(/number of failed transactions: (\d+)/)?.[1] ?? 0)
    const aborted = stderr.split('\n').filter((line) => /^client \d+ aborted/.test(line)).length
    const latencies = readdirSync(dir)
      .filter((name) => name.startsWith('log.'))
      .flatMap((name) => readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean))
      // client_id transaction_no time_us script_no epoch epoch_us
      .map((line) => Number(line.split(' ')[2]) / 1000)
      .sort((a, b) => a - b)
    return {
      transactionsPerSecond: Math.round(tps),
      p50: Math.round(percentile(latencies, 50)),
      p99: Math.round(percentile(latencies, 99)),
      errors: failed + aborted,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function run(command: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    // pgbench exits with 2 when a client was aborted: counted as errors, the figures still printed.
    child.on('exit', (code) => (code === 0 || code === 2 ? resolve({ stdout, stderr }) : reject(new Error(`${command} exited with ${code}:\n${stderr}`))))
  })
}
