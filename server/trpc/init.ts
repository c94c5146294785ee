import { initTRPC, TRPCError } from '@trpc/server'
import superjson from 'superjson'
import { ZodError } from 'zod'
import type { AppContext } from '../app-context'
import type { RequestIdentity } from '../auth/identity'

/*
 * 1. Context: the app's services and the verified identity of the request. No procedure reads a user
 *    id from its input; it comes from here.
 */
export interface TrpcContext {
  app: AppContext
  identity: RequestIdentity
  requestId: string
}

export async function createTrpcContext(options: {
  app: AppContext
  request: Request
  requestId: string
}): Promise<TrpcContext> {
  return {
    app: options.app,
    identity: await options.app.readIdentity(options.request),
    requestId: options.requestId,
  }
}

/** A field path and a message a person understands. */
export interface FieldIssue {
  path: string
  message: string
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
    return {
      ...shape,
      message: internal ? 'Something went wrong on our side. Please try again.' : shape.message,
      data: { ...data, issues: error.cause instanceof ZodError ? zodIssues(error.cause) : null },
    }
  },
})

/* 3. Procedure builders. */
export const createTrpcRouter = t.router
export const createCallerFactory = t.createCallerFactory
export const publicProcedure = t.procedure

export const protectedProcedure = t.procedure.use(({ ctx, next }) => {
  if (ctx.identity.kind !== 'authenticated') {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to continue.' })
  }
  return next({ ctx: { ...ctx, claims: ctx.identity.claims } })
})
