import { CopilotRuntime, createCopilotRuntimeHandler } from '@copilotkit/runtime/v2'
import type { AppLoadContext } from '@remix-run/node'
import { TRPCError } from '@trpc/server'
import type { RateLimiterAbstract } from 'rate-limiter-flexible'
import { consumePoint } from '../auth/rate-limits'
import { DomainError } from '../errors'
import { createTrpcContext } from '../trpc/init'
import { createCaller } from '../trpc/root'
import type { WizardState } from '../wizard/session-state'
import { wizardAgent } from './agent'
import { COPILOT_NOT_CONFIGURED } from './model'
import { BodyTooLarge, readCopilotEnvelope } from './request-body'
import { claimThread, MAX_THREAD_ID_LENGTH } from './thread-owners'

const COPILOT_PATH = '/api/copilotkit'

/** What the chat needs; the runtime's thread, memory, inspector and transcription routes stay closed. */
const servedMethods = new Set(['info', 'agent/run', 'agent/connect', 'agent/stop'])

const SESSION_HEADER = 'x-wizard-session'

function refused(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error: { code, message } }, { status, headers })
}

/** A 429 answer when `userId` is over `limiter`'s limit, after taking one point; null otherwise. */
async function rateLimited(limiter: RateLimiterAbstract, userId: string): Promise<Response | null> {
  try {
    await consumePoint(limiter, userId)
    return null
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    return refused(429, 'TOO_MANY_REQUESTS', 'The assistant needs a short break. Try again in a moment.', {
      'Retry-After': String(error.retryAfterSeconds ?? 60),
    })
  }
}

const notFound = () => refused(404, 'NOT_FOUND', 'Wizard session was not found.')

/**
 * `/api/copilotkit`: checks who asks and for which wizard on every request, then lets CopilotKit's
 * runtime serve it with an agent built for that wizard's current stage. The session comes from the
 * `X-Wizard-Session` header and is read under RLS; forwarded properties decide nothing.
 */
export async function handleCopilotRequest(request: Request, context: AppLoadContext): Promise<Response> {
  const { app } = context
  const model = app.copilot.model
  if (model === null) return refused(503, 'COPILOT_NOT_CONFIGURED', COPILOT_NOT_CONFIGURED)
  if (request.method !== 'POST') return refused(405, 'METHOD_NOT_ALLOWED', 'Send copilot requests as POST.', { Allow: 'POST' })

  let identity
  try {
    identity = await app.auth.readIdentity(request)
  } catch (error) {
    if (error instanceof DomainError && error.code === 'SERVICE_UNAVAILABLE') {
      return refused(503, error.code, error.message, { 'Retry-After': String(error.retryAfterSeconds) })
    }
    throw error
  }
  if (identity.kind !== 'authenticated') return refused(401, 'UNAUTHORIZED', 'Sign in to use the assistant.')
  // Every method is counted, not only runs: each reads the database, and stop/connect name threads.
  const limited = await rateLimited(app.rateLimits.copilotRequestsPerUser, identity.claims.sub)
  if (limited) return limited
  const sessionId = request.headers.get(SESSION_HEADER)
  if (!sessionId) return refused(400, 'BAD_REQUEST', 'Name the wizard session in the X-Wizard-Session header.')

  let envelope
  try {
    envelope = await readCopilotEnvelope(request)
  } catch (error) {
    if (error instanceof BodyTooLarge) return refused(413, 'PAYLOAD_TOO_LARGE', 'This conversation is too long. Start a new one.')
    throw error
  }
  if (envelope === null) return refused(400, 'BAD_REQUEST', 'Send a CopilotKit request: a JSON object with a method.')
  if (!servedMethods.has(envelope.method)) return refused(404, 'NOT_FOUND', `${envelope.method} is not served here.`)

  const caller = createCaller(
    await createTrpcContext({
      app,
      request,
      requestId: context.requestId,
      clientIp: context.clientIp,
      resHeaders: new Headers(),
      source: 'copilot',
    }),
  )
  let state: WizardState
  try {
    state = await caller.wizard.get({ sessionId })
  } catch (error) {
    const code = error instanceof TRPCError ? error.code : null
    if (code === 'NOT_FOUND' || code === 'BAD_REQUEST') return notFound()
    if (code === 'UNAUTHORIZED') return refused(401, 'UNAUTHORIZED', 'Sign in to use the assistant.')
    if (code === 'SERVICE_UNAVAILABLE' && error instanceof TRPCError && error.cause instanceof DomainError) {
      return refused(503, code, error.message, { 'Retry-After': String(error.cause.retryAfterSeconds) })
    }
    throw error
  }
  for (const threadId of envelope.threadIds) {
    if (threadId.length > MAX_THREAD_ID_LENGTH) return refused(400, 'BAD_REQUEST', 'This is not a chat thread id.')
    if (!(await claimThread(app.database.db, identity.claims, threadId, sessionId))) return notFound()
  }
  if (envelope.method === 'agent/run') {
    const runLimited = await rateLimited(app.rateLimits.copilotRunsPerUser, identity.claims.sub)
    if (runLimited) return runLimited
  }

  const agent = wizardAgent(model, { caller, logger: app.logger, state }, app.now())
  const runtime = new CopilotRuntime({ agents: async () => ({ default: agent }), a2ui: { enabled: false } })
  const handle = createCopilotRuntimeHandler({ runtime, basePath: COPILOT_PATH, mode: 'single-route' })
  return handle(new Request(request.url, { method: 'POST', headers: request.headers, body: envelope.text }))
}
