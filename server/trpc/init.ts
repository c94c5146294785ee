import { initTRPC, TRPCError } from '@trpc/server'
import type { TRPCRequestInfo } from '@trpc/server/http'
import superjson from 'superjson'
import { ZodError } from 'zod'
import { pgConstraint, pgErrorCode } from '../../db/errors'
import type { AppContext } from '../app-context'
import type { AuthRequest } from '../auth/accounts'
import type { RequestHeaders, RequestIdentity } from '../auth/identity'
import { consumePoint } from '../auth/rate-limits'
import { type CoreDeps, coreDepsOf } from '../core-deps'
import { accountGoneError, DomainError, databaseUnavailableError, type FieldIssue, fieldIssuesOf } from '../errors'
import type { ActionSource, Actor } from '../wizard/audit'

/*
 * 1. Context: the app's services, the verified identity of the request and what the HTTP exchange
 *    needs (client IP, cookies in and out). No procedure reads a user id from its input.
 */
export interface TrpcContext {
  app: AppContext
  /** What the core needs, in one shape for every procedure. */
  deps: CoreDeps
  identity: RequestIdentity
  requestId: string
  http: AuthRequest
  /** The door the call came through, for the audit trail. */
  source: ActionSource
  /** The client's `Idempotency-Key` header, when it sent one. */
  idempotencyKey: string | null
}

export async function createTrpcContext(options: {
  app: AppContext
  request: RequestHeaders
  requestId: string
  clientIp: string
  /** Where the procedures' cookies go: the response's headers. */
  resHeaders: Pick<Headers, 'append'>
  source: ActionSource
}): Promise<TrpcContext> {
  return {
    app: options.app,
    deps: coreDepsOf(options.app),
    identity: await options.app.auth.readIdentity(options.request).catch((error: unknown) => {
      // Before any procedure runs, so the domain-error middleware cannot map it: the same mapping here.
      throw trpcErrorOf(error) ?? error
    }),
    requestId: options.requestId,
    source: options.source,
    idempotencyKey: options.request.headers.get('idempotency-key'),
    http: {
      clientIp: options.clientIp,
      cookieHeader: options.request.headers.get('cookie'),
      setCookie: (cookie) => options.resHeaders.append('Set-Cookie', cookie),
    },
  }
}

/** A batch's calls run at once: a larger one is a load, not a page. */
export const MAX_BATCH_CALLS = 10

/** Refuses a batch of more than MAX_BATCH_CALLS calls (the typed API's door calls it while making the context). */
export function checkBatchSize(info: TRPCRequestInfo): void {
  if (!info.isBatchCall || info.calls.length <= MAX_BATCH_CALLS) return
  const message = `A batch may hold at most ${MAX_BATCH_CALLS} calls; this one has ${info.calls.length}.`
  throw new TRPCError({ code: 'BAD_REQUEST', message, cause: new DomainError('BAD_REQUEST', message) })
}

/** What a request the libraries could not read (JSON, superjson's envelope, a batch's shape) is told. */
export const UNREADABLE_INPUT = 'The request is not valid tRPC input: send what @trpc/client sends with the superjson transformer ({"json": …}).'

/*
 * 2. Initialisation: superjson, and an error shape in our own words: field issues with paths, never a
 *    stack trace, an internal message, or a library's wording about a request it could not read.
 */
const t = initTRPC.context<TrpcContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const { stack: _stack, ...data } = shape.data
    const { message, issues } = publicFailure(error)
    return { ...shape, message, data: { ...data, issues } }
  },
})

/**
 * What a failed call tells the client. Our own refusals carry a DomainError or a ZodError; any other
 * 400 was raised by tRPC or superjson while reading the request (bad JSON, no `json` envelope, an
 * unknown class), and gets one message of ours instead of theirs.
 */
function publicFailure(error: TRPCError): { message: string; issues: FieldIssue[] | null } {
  const cause = error.cause
  if (error.code === 'INTERNAL_SERVER_ERROR') return { message: 'Something went wrong on our side. Please try again.', issues: null }
  if (cause instanceof DomainError) return { message: cause.message, issues: cause.issues.length > 0 ? cause.issues : null }
  if (cause instanceof ZodError) {
    // An input that is not even an object: the envelope was wrong, not a field.
    if (cause.issues.every((issue) => issue.path.length === 0)) return { message: UNREADABLE_INPUT, issues: null }
    return { message: 'Some fields need attention.', issues: fieldIssuesOf(cause) }
  }
  if (error.code === 'BAD_REQUEST' || error.code === 'PARSE_ERROR') return { message: UNREADABLE_INPUT, issues: null }
  return { message: error.message, issues: null }
}

/**
 * Domain errors thrown by the core become the tRPC error of the same code, in this one place; so do
 * the database failures a request may meet (a deleted account, the database gone for a moment).
 */
function trpcErrorOf(failure: unknown): TRPCError | null {
  const cause =
    failure instanceof DomainError ? failure : (accountGoneError(failure, pgErrorCode(failure), pgConstraint(failure)) ?? databaseUnavailableError(failure))
  return cause ? new TRPCError({ code: cause.code, message: cause.message, cause }) : null
}

const domainErrors = t.middleware(async ({ next }) => {
  const result = await next()
  if (result.ok) return result
  const mapped = trpcErrorOf(result.error.cause)
  if (mapped) throw mapped
  return result
})

/* 3. Procedure builders. */
export const createTrpcRouter = t.router
export const createCallerFactory = t.createCallerFactory
/** Queries are limited too: per user when signed in, else per client IP. */
const queryLimit = t.middleware(async ({ ctx, type, next }) => {
  if (type === 'query') {
    const client = ctx.identity.kind === 'authenticated' ? `user:${ctx.identity.claims.sub}` : `ip:${ctx.http.clientIp}`
    await consumePoint(ctx.app.rateLimits.queriesPerClient, client)
  }
  return next()
})

export const publicProcedure = t.procedure.use(domainErrors).use(queryLimit)

const idempotencyKeyPattern = /^[\x21-\x7e]{1,255}$/

/** The client's Idempotency-Key, checked; undefined when it sent none. */
export function idempotencyKeyOf(ctx: TrpcContext): string | undefined {
  if (ctx.idempotencyKey === null) return undefined
  if (!idempotencyKeyPattern.test(ctx.idempotencyKey)) {
    throw new DomainError('BAD_REQUEST', 'The Idempotency-Key header must be 1–255 visible ASCII characters.')
  }
  return ctx.idempotencyKey
}

/** Signed in; mutations are limited per user. `ctx.actor` is who acts, for the core and its audit. */
export const protectedProcedure = publicProcedure.use(async ({ ctx, type, next }) => {
  if (ctx.identity.kind !== 'authenticated') {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to continue.' })
  }
  if (type === 'mutation') await consumePoint(ctx.app.rateLimits.mutationsPerUser, ctx.identity.claims.sub)
  const claims = ctx.identity.claims
  const actor: Actor = { claims, source: ctx.source, idempotencyKey: idempotencyKeyOf(ctx) }
  return next({ ctx: { ...ctx, claims, actor } })
})
