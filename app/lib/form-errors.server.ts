import type { Submission } from '@conform-to/react'
import { data } from '@remix-run/node'
import { TRPCError } from '@trpc/server'
import { ZodError } from 'zod'
import { DomainError } from '../../server/errors'

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

/**
 * A procedure's refusal as the form shows it: field issues beside their fields, anything else above
 * the form, with the input kept (minus `hideFields`, such as passwords) and the matching status.
 * Unexpected errors are rethrown for the error boundary.
 */
export function procedureErrorReply<Output>(submission: Submission<Output>, error: unknown, hideFields: string[] = []) {
  if (!(error instanceof TRPCError)) throw error
  const cause = error.cause
  const issues =
    cause instanceof ZodError
      ? cause.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }))
      : cause instanceof DomainError
        ? cause.issues
        : []
  const status = statusByCode[error.code]
  if (!status) throw error
  const fieldErrors: Record<string, string[]> = {}
  for (const issue of issues) (fieldErrors[issue.path] ??= []).push(issue.message)
  const headers = new Headers()
  if (cause instanceof DomainError && cause.retryAfterSeconds) headers.set('Retry-After', String(cause.retryAfterSeconds))
  return {
    result: submission.reply({ formErrors: issues.length > 0 ? [] : [error.message], fieldErrors, hideFields }),
    init: { status, headers } satisfies ResponseInit,
  }
}

/** The same, as the action's response for a page with one form. */
export function replyWithError<Output>(submission: Submission<Output>, error: unknown, hideFields: string[] = []) {
  const { result, init } = procedureErrorReply(submission, error, hideFields)
  return data(result, init)
}
