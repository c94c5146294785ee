import type { Submission } from '@conform-to/react'
import { data } from '@remix-run/node'
import { TRPCError } from '@trpc/server'
import { ZodError } from 'zod'
import { DomainError, type FieldIssue, fieldIssuesOf } from '../../server/errors'

/*
 * The one place the pages turn a procedure's error into an answer: a refusal (the caller's input, a
 * state, a limit) keeps the page with its status and words; "not found" and "not yours" are the same
 * 404; anything unexpected is rethrown for the error boundary, which shows no details.
 */

export const statusByCode: Record<string, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  UNPROCESSABLE_CONTENT: 422,
  TOO_MANY_REQUESTS: 429,
  // Only a service other than the database gets here (the payment service); the database's is a 503 page.
  SERVICE_UNAVAILABLE: 503,
}

/** A procedure's refusal in a page's terms. */
export interface Refusal {
  code: TRPCError['code']
  status: number
  message: string
  /** Field issues (`tiers.0.price`), from the core's DomainError or the input's ZodError. */
  issues: FieldIssue[]
  /** Retry-After, when the refusal is a limit. */
  headers: Headers
}

/** The refusal `error` carries, or null when it is no refusal (a bug, an outage): then rethrow it. */
export function refusalOf(error: unknown): Refusal | null {
  if (!(error instanceof TRPCError)) return null
  const status = statusByCode[error.code]
  if (!status) return null
  const cause = error.cause
  const headers = new Headers()
  if (cause instanceof DomainError && cause.retryAfterSeconds) headers.set('Retry-After', String(cause.retryAfterSeconds))
  const issues = cause instanceof ZodError ? fieldIssuesOf(cause) : cause instanceof DomainError ? cause.issues : []
  return { code: error.code, status, message: error.message, issues, headers }
}

/** The refusal, or the error rethrown. */
export function refusalOrThrow(error: unknown): Refusal {
  const refusal = refusalOf(error)
  if (!refusal) throw error
  return refusal
}

/**
 * A page about one thing (an event, an order, a wizard) answers the app's 404 when it does not exist,
 * is not the caller's (not found and not yours look the same), or the address does not even hold an id.
 */
export function notFoundAs404(error: unknown): never {
  if (error instanceof TRPCError && (error.code === 'NOT_FOUND' || error.code === 'BAD_REQUEST')) {
    throw new Response('Not found', { status: 404 })
  }
  throw error
}

/** A refusal as a page without a Conform form shows it: `{ error }` above the page, with its status. */
export function refusedWith(error: unknown) {
  const { message, status, headers } = refusalOrThrow(error)
  return data({ error: message }, { status, headers })
}

/**
 * A procedure's refusal as the form shows it: field issues beside their fields, anything else above
 * the form, with the input kept (minus `hideFields`, such as passwords) and the matching status.
 */
export function procedureErrorReply<Output>(submission: Submission<Output>, error: unknown, hideFields: string[] = []) {
  const { issues, message, status, headers } = refusalOrThrow(error)
  const fieldErrors: Record<string, string[]> = {}
  for (const issue of issues) (fieldErrors[issue.path] ??= []).push(issue.message)
  return {
    result: submission.reply({ formErrors: issues.length > 0 ? [] : [message], fieldErrors, hideFields }),
    init: { status, headers } satisfies ResponseInit,
  }
}

/** The same, as the action's response for a page with one form. */
export function replyWithError<Output>(submission: Submission<Output>, error: unknown, hideFields: string[] = []) {
  const { result, init } = procedureErrorReply(submission, error, hideFields)
  return data(result, init)
}
