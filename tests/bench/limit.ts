import postgres from 'postgres'
import type { BenchUser } from './seed'

/**
 * The limit: the transaction `wizard.merge` runs, issued directly with postgres.js from this process —
 * claims and role, the row lock, the update with progress and version, the audit row — by `connections`
 * workers for `seconds`. Transactions per second.
 */
export async function mergeTransactionLimit(url: string, users: BenchUser[], connections: number, seconds: number) {
  const sql = postgres(url, { max: connections, onnotice: () => {} })
  const deadline = Date.now() + seconds * 1000
  let done = 0
  let errors = 0
  const worker = async (user: BenchUser) => {
    const claims = JSON.stringify({ role: 'authenticated', sub: user.id, aud: 'authenticated', email: user.email })
    for (let n = 0; Date.now() < deadline; n++) {
      try {
        await sql.begin(async (tx) => {
          await tx`select set_config('request.jwt.claims', ${claims}, true), set_config('role', 'authenticated', true)`
          const [row] = await tx`select * from event_wizard.wizard_sessions where id = ${user.sessionId} for update`
          await tx`
            update event_wizard.wizard_sessions
            set organizer_setup = ${tx.json({ name: `Ada ${n}` })}, payment_setup = ${tx.json({ status: 'not_required' })},
                completed_stages = '{}', completion_details = ${tx.json({ organizerSetup: 33 })}, completion_percentage = 3,
                version = ${Number(row?.version ?? 0) + 1}, last_interaction_at = now(), expires_at = now() + interval '7 days'
            where id = ${user.sessionId} returning *`
          await tx`
            insert into event_wizard.wizard_actions (session_id, user_id, action_name, stage, source, payload, result, duration_ms)
            values (${user.sessionId}, ${user.id}, 'merge', 'organizerSetup', 'api', ${tx.json({ data: { name: `Ada ${n}` } })}, 'succeeded', 1)`
        })
        done++
      } catch {
        errors++
      }
    }
  }
  const started = Date.now()
  await Promise.all(users.slice(0, connections).map(worker))
  const elapsed = (Date.now() - started) / 1000
  await sql.end()
  return { transactionsPerSecond: Math.round(done / elapsed), errors }
}
