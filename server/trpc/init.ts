import { initTRPC, TRPCError } from '@trpc/server'
import superjson from 'superjson'
import { ZodError } from 'zod'
import type { AppContext } from '../app-context'
import type { AuthRequest } from '../auth/accounts'
import type { RequestIdentity } from '../auth/identity'
import { consumePoint } from '../auth/rate-limits'
import { pgConstraint, pgErrorCode } from '../../db/errors'
import { accountGoneError, databaseUnavailableError, DomainError, type FieldIssue } from '../errors'
import type { ActionSource, Actor } from '../wizard/audit'

/*
 * 1. Context: the app's services, the verified identity of the request and what the HTTP exchange
 *    needs (client IP, cookies in and out). No procedure reads a user id from its input.
 */
export interface TrpcContext {
  app: AppContext
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
  request: Request
  requestId: string
  clientIp: string
  resHeaders: Headers
  source: ActionSource
}): Promise<TrpcContext> {
  return {
    app: options.app,
    identity: await options.app.auth.readIdentity(options.request),
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

export const zodIssues = (error: ZodError): FieldIssue[] =>
  error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }))

/*
 * 2. Initialisation: superjson, and an error shape that exposes field issues and never a stack trace
 *    or an internal message.
 */
const t = initTRPC.context<TrpcContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const { stack: _stack, ...data } = shape.data
    const internal = error.code === 'INTERNAL_SERVER_ERROR'
    const issues =
      error.cause instanceof ZodError
        ? zodIssues(error.cause)
        : error.cause instanceof DomainError && error.cause.issues.length > 0
          ? error.cause.issues
          : null
    return {
      ...shape,
      message: internal ? 'Something went wrong on our side. Please try again.' : shape.message,
      data: { ...data, issues },
    }
  },
})

/**
 * Domain errors thrown by the core become the tRPC error of the same code, in this one place; so do
 * the database failures a request may meet (a deleted account, the database gone for a moment).
 */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next()
  if (result.ok) return result
  const failure = result.error.cause
  const cause =
    failure instanceof DomainError
      ? failure
      : (accountGoneError(failure, pgErrorCode(failure), pgConstraint(failure)) ?? databaseUnavailableError(failure))
  if (cause) throw new TRPCError({ code: cause.code, message: cause.message, cause })
  return result
})

/* 3. Procedure builders. */
export const createTrpcRouter = t.router
export const createCallerFactory = t.createCallerFactory
export const publicProcedure = t.procedure.use(domainErrors)

const idempotencyKeyPattern = /^[\x21-\x7e]{1,255}$/

/** The client's Idempotency-Key, checked; undefined when it sent none. */
export function idempotencyKeyOf(ctx: TrpcContext): string | undefined {
  if (ctx.idempotencyKey === null) return undefined
  if (!idempotencyKeyPattern.test(ctx.idempotencyKey)) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'The Idempotency-Key header must be 1–255 visible ASCII characters.' })
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
  return next({ ctx: { ...ctx, claims, actor, deps: { db: ctx.app.database.db, now: ctx.app.now } } })
})
