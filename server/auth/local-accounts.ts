import { sql } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { queryRows } from '../../db/client'
import { pgErrorCode, pgErrorCodes } from '../../db/errors'
import { asServiceRole } from '../../db/rls'
import { DomainError } from '../errors'
import { decoyPasswordHash, hashPassword, verifyPassword } from './passwords'
import type { SignIn, SignUp } from './schemas'
import type { SessionUser } from './tokens'

const normalizeEmail = (email: string) => email.trim().toLowerCase()

/** Creates a local account (AUTH_MODE=local). Only the server writes auth.users, as the service role. */
export async function registerLocalAccount(db: Database, input: SignUp): Promise<SessionUser> {
  const email = normalizeEmail(input.email)
  const passwordHash = await hashPassword(input.password)
  try {
    const [user] = await asServiceRole(db, (tx) =>
      queryRows<{ id: string; email: string }>(
        tx,
        sql`insert into auth.users (email, encrypted_password, last_sign_in_at)
            values (${email}, ${passwordHash}, now()) returning id, email`,
      ),
    )
    if (!user) throw new Error('account not created')
    return user
  } catch (error) {
    if (pgErrorCode(error) === pgErrorCodes.uniqueViolation) {
      const message = 'An account with this e-mail already exists. Sign in instead.'
      throw new DomainError('CONFLICT', message, { issues: [{ path: 'email', message }] })
    }
    throw error
  }
}

/** Checks an e-mail and password; a wrong e-mail and a wrong password look (and take) the same. */
export async function verifyLocalCredentials(db: Database, input: SignIn): Promise<SessionUser> {
  const email = normalizeEmail(input.email)
  const [account] = await asServiceRole(db, (tx) =>
    queryRows<{ id: string; email: string; encrypted_password: string | null }>(
      tx,
      sql`select id, email, encrypted_password from auth.users where lower(email) = ${email}`,
    ),
  )
  const passwordHash = account?.encrypted_password ?? (await decoyPasswordHash())
  const matches = await verifyPassword(passwordHash, input.password)
  if (!account?.encrypted_password || !matches) {
    throw new DomainError('UNAUTHORIZED', 'The e-mail or password is not right.')
  }
  await asServiceRole(db, (tx) => tx.execute(sql`update auth.users set last_sign_in_at = now() where id = ${account.id}`))
  return { id: account.id, email: account.email }
}
