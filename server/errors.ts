import { isDatabaseUnavailable } from '../db/errors'

/** For the pages, which reach the database only through the server. */
export { isDatabaseUnavailable }

/** A field path (`tiers.0.price`) and a message a person understands. */
export interface FieldIssue {
  path: string
  message: string
}

/** A Zod error's issues as FieldIssues: the one conversion every door uses. */
export const fieldIssuesOf = (error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): FieldIssue[] =>
  error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }))

export type DomainErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PRECONDITION_FAILED'
  | 'UNPROCESSABLE_CONTENT'
  | 'TOO_MANY_REQUESTS'
  | 'SERVICE_UNAVAILABLE'

/**
 * What the core throws when a request cannot be done. Each door maps it once: tRPC to a TRPCError of
 * the same code, forms to a message beside the field, the copilot to a message for the model.
 */
/** Marks a DomainError of any copy of this module (see `Symbol.hasInstance` below). */
const DOMAIN_ERROR = Symbol.for('event-wizard.domain-error')

export class DomainError extends Error {
  readonly issues: FieldIssue[]
  readonly retryAfterSeconds?: number

  /**
   * The server runs this module from source while Remix's build bundles a copy of its own: an error
   * made by one copy (the identity reader, say) must be recognised by the other's `instanceof`.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && DOMAIN_ERROR in value
  }

  constructor(
    readonly code: DomainErrorCode,
    message: string,
    options: { issues?: FieldIssue[]; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause })
    this.name = 'DomainError'
    Object.defineProperty(this, DOMAIN_ERROR, { value: true })
    this.issues = options.issues ?? []
    this.retryAfterSeconds = options.retryAfterSeconds
  }
}

/** Issues of one stage named from the wizard's root (`eventSetup.title`; a stage-wide one is just `eventSetup`). */
export const prefixIssues = (prefix: string, issues: FieldIssue[]): FieldIssue[] =>
  issues.map((issue) => ({ ...issue, path: issue.path ? `${prefix}.${issue.path}` : prefix }))

/** Not found and not yours look the same. */
export const notFound = (what: string) => new DomainError('NOT_FOUND', `${what} was not found.`)

/** How long a client should wait before retrying a request the database could not serve. */
export const DATABASE_RETRY_AFTER_SECONDS = 5

/**
 * The database went away (a dropped connection, a restart, a failover): the request may be retried
 * in a moment, while postgres.js reconnects.
 */
export function databaseUnavailableError(error: unknown): DomainError | null {
  if (!isDatabaseUnavailable(error)) return null
  return new DomainError('SERVICE_UNAVAILABLE', 'The database is unavailable for a moment. Please try again.', {
    retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
    cause: error,
  })
}

/**
 * The one database failure a request can cause with a valid token: its account was deleted while the
 * token was still valid, so a row naming it as user violates a foreign key to auth.users.
 */
export function accountGoneError(error: unknown, code: string | undefined, constraint: string | undefined): DomainError | null {
  if (code !== '23503' || !constraint?.endsWith('_users_id_fk')) return null
  return new DomainError('UNAUTHORIZED', 'Your account no longer exists. Please sign in again.', { cause: error })
}
