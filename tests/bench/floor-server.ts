/**
 * The floor under the wizard's calls (BENCHMARKS.md, issue 18): the same layers the app cannot drop —
 * Node's HTTP server and Express, tRPC's Express adapter with superjson, postgres.js, and Drizzle in
 * its own call — and none of the app's own work (authentication, Zod, the wizard's rules, the audit). `npm run bench` starts
 * it as its own process, like the app, and loads it the same way:
 * - `GET /plain`: Express answering a small JSON body;
 * - `GET /api/trpc/noop`: a tRPC query that returns a constant;
 * - `POST /api/trpc/merge`: a tRPC mutation that sends the merge's statements (the same as pgbench's
 *   `mergeTransactionScript`) through postgres.js in the app's round trips: the rate-limit point; BEGIN,
 *   the claims and the locked read; the update returning the row with the audit row; COMMIT. It answers
 *   the updated row.
 * - `POST /api/trpc/mergeWithDrizzle`: the same statements built by Drizzle through the app's own
 *   database layer (`openDatabase`, `withRls`), so the difference is what Drizzle costs.
 */
import { initTRPC } from '@trpc/server'
import { createExpressMiddleware } from '@trpc/server/adapters/express'
import { sql as drizzleSql, eq } from 'drizzle-orm'
import express from 'express'
import postgres from 'postgres'
import superjson from 'superjson'
import { openDatabase } from '../../db/client'
import { withRls } from '../../db/rls'
import { wizardActions, wizardSessions } from '../../db/schema'
import { SESSION_LIFETIME_MS } from '../../server/wizard/session-state'

const databaseUrl = process.env.DATABASE_URL
if (!databaseUrl) throw new Error('DATABASE_URL is not set')
const poolMax = Number(process.env.DATABASE_POOL_MAX ?? 20)
const sql = postgres(databaseUrl, { max: poolMax, onnotice: () => {} })
const database = await openDatabase({ kind: 'postgres', url: databaseUrl, poolMax })

interface MergeInput {
  userId: string
  sessionId: string
  name: string
}

/** The mutations' input, checked by hand: Zod is the app's work, not the floor's. */
function mergeInput(value: unknown): MergeInput {
  const fields = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}
  if (!['userId', 'sessionId', 'name'].every((key) => typeof fields[key] === 'string')) throw new Error('userId, sessionId and name are required')
  return fields as unknown as MergeInput
}

const t = initTRPC.create({ transformer: superjson })
const router = t.router({
  noop: t.procedure.query(() => ({ ok: true, at: new Date() })),
  merge: t.procedure.input(mergeInput).mutation(async ({ input }) => {
    await sql`select points from event_wizard.take_rate_limit_points(${`mutation:${input.userId}`}, 1, 60000, false)`
    const claims = JSON.stringify({ role: 'authenticated', sub: input.userId, aud: 'authenticated' })
    return sql.begin(async (tx) => {
      // In this order, in one write (postgres.js pipelines what is sent before an answer), as the app does.
      const [, [locked]] = await Promise.all([
        tx`select set_config('request.jwt.claims', ${claims}, true), set_config('role', 'authenticated', true)`,
        tx`select * from event_wizard.wizard_sessions where id = ${input.sessionId} for update`,
      ])
      if (!locked) throw new Error('not found')
      const [[updated]] = await Promise.all([
        tx`update event_wizard.wizard_sessions
            set organizer_setup = ${tx.json({ name: input.name })}, version = version + 1, last_interaction_at = now(),
                expires_at = now() + interval '7 days'
            where id = ${input.sessionId} returning *`,
        tx`insert into event_wizard.wizard_actions (session_id, user_id, action_name, stage, source, payload, result, duration_ms)
            values (${input.sessionId}, ${input.userId}, 'merge', 'organizerSetup', 'api', ${tx.json({ data: { name: input.name } })}, 'succeeded', 1)`,
      ])
      return updated
    })
  }),
  mergeWithDrizzle: t.procedure.input(mergeInput).mutation(async ({ input }) => {
    await database.db.execute(drizzleSql`select points from event_wizard.take_rate_limit_points(${`mutation:${input.userId}`}, 1, 60000, false)`)
    const claims = { role: 'authenticated' as const, sub: input.userId, aud: 'authenticated' }
    return withRls(database.db, claims, async (tx) => {
      const [locked] = await tx.select().from(wizardSessions).where(eq(wizardSessions.id, input.sessionId)).for('update')
      if (!locked) throw new Error('not found')
      const now = new Date()
      const [[updated]] = await Promise.all([
        tx
          .update(wizardSessions)
          .set({
            organizerSetup: { name: input.name },
            version: locked.version + 1,
            lastInteractionAt: now,
            expiresAt: new Date(now.getTime() + SESSION_LIFETIME_MS),
          })
          .where(eq(wizardSessions.id, input.sessionId))
          .returning(),
        tx.insert(wizardActions).values({
          sessionId: input.sessionId,
          userId: input.userId,
          actionName: 'merge',
          stage: 'organizerSetup',
          source: 'api',
          payload: { data: { name: input.name } },
          result: 'succeeded',
          durationMs: 1,
        }),
      ])
      return updated
    })
  }),
})

const app = express()
app.disable('x-powered-by')
app.get('/plain', (_req, res) => {
  res.json({ ok: true })
})
app.use('/api/trpc', createExpressMiddleware({ router, maxBodySize: 1_000_000 }))
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address()
  console.log(JSON.stringify({ msg: 'floor server listening', port: typeof address === 'object' && address ? address.port : null }))
})
// As the app stops (server/serve.ts): the requests in flight finish, then the pools close, then the
// process exits. Ending the pools under transactions still running left connections open now and then.
process.once('SIGTERM', () => {
  server.closeIdleConnections()
  server.close(async () => {
    await Promise.allSettled([sql.end({ timeout: 1 }), database.close()])
    process.exit(0)
  })
})
