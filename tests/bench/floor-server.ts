/**
 * The floor under the wizard's calls (BENCHMARKS.md, issue 18): the same layers the app cannot drop —
 * Node's HTTP server and Express, tRPC's Express adapter with superjson, postgres.js — and none of the
 * app's own work (authentication, Zod, Drizzle, the wizard's rules, the audit). `npm run bench` starts
 * it as its own process, like the app, and loads it the same way:
 * - `GET /plain`: Express answering a small JSON body;
 * - `GET /api/trpc/noop`: a tRPC query that returns a constant;
 * - `POST /api/trpc/merge`: a tRPC mutation that sends the merge's statements (the same as pgbench's
 *   `mergeTransactionScript`) through postgres.js in the app's round trips: the rate-limit point; BEGIN,
 *   the claims and the locked read; the update returning the row with the audit row; COMMIT. It answers
 *   the updated row.
 */
import { initTRPC } from '@trpc/server'
import { createExpressMiddleware } from '@trpc/server/adapters/express'
import express from 'express'
import postgres from 'postgres'
import superjson from 'superjson'

const databaseUrl = process.env.DATABASE_URL
if (!databaseUrl) throw new Error('DATABASE_URL is not set')
const sql = postgres(databaseUrl, { max: Number(process.env.DATABASE_POOL_MAX ?? 20), onnotice: () => {} })

interface MergeInput {
  userId: string
  sessionId: string
  name: string
}

const isMergeInput = (value: unknown): value is MergeInput =>
  typeof value === 'object' && value !== null && ['userId', 'sessionId', 'name'].every((key) => typeof (value as Record<string, unknown>)[key] === 'string')

const t = initTRPC.create({ transformer: superjson })
const router = t.router({
  noop: t.procedure.query(() => ({ ok: true, at: new Date() })),
  merge: t.procedure
    .input((value) => {
      if (!isMergeInput(value)) throw new Error('userId, sessionId and name are required')
      return value
    })
    .mutation(async ({ input }) => {
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
process.on('SIGTERM', () => {
  server.close()
  void sql.end({ timeout: 1 })
})
