import type { AppContext } from '../app-context'
import { DomainError } from '../errors'
import type { RequestIdentity } from './identity'
import { registerLocalAccount, verifyLocalCredentials } from './local-accounts'
import { consumePoint, ensurePointsLeft, slowdownFor } from './rate-limits'
import type { SignIn, SignUp } from './schemas'
import { createSupabaseServerClient } from './supabase'
import type { SessionUser } from './tokens'

/** What signing in or up needs from the HTTP request, whichever door it came through. */
export interface AuthRequest {
  clientIp: string
  cookieHeader: string | null
  /** Receives every Set-Cookie the session needs. */
  setCookie: (serialized: string) => void
}

export interface SignedIn {
  accessToken: string
  expiresAt: Date
  user: SessionUser
}

/** Supabase may hold a new account until its e-mail is confirmed: then there is no session yet. */
export type SignUpResult = (SignedIn & { confirmationRequired: false }) | { confirmationRequired: true; user: SessionUser }

export async function signUp(app: AppContext, request: AuthRequest, input: SignUp): Promise<SignUpResult> {
  await consumePoint(app.rateLimits.authPerIp, request.clientIp)
  if (app.config.AUTH_MODE === 'local') {
    const user = await registerLocalAccount(app.database.db, input)
    return { ...(await startLocalSession(app, request, user)), confirmationRequired: false }
  }
  const supabase = supabaseFor(app, request)
  const { data, error } = await supabase.auth.signUp({ email: input.email, password: input.password })
  if (error) throw supabaseError(error, 'sign-up')
  const user = { id: data.user!.id, email: data.user!.email ?? input.email }
  if (!data.session) return { confirmationRequired: true, user }
  return {
    accessToken: data.session.access_token,
    expiresAt: new Date((data.session.expires_at ?? 0) * 1000),
    user,
    confirmationRequired: false,
  }
}

/**
 * Password sign-in. Limited per client IP; failures are counted per account and IP (that IP is then
 * refused for the window) and per account from anywhere, which only slows every attempt on the account
 * down: someone guessing from many addresses gets slower and slower, and the owner, from their own
 * address, still signs in with the right password. A success clears its own address's failures.
 */
export async function signIn(app: AppContext, request: AuthRequest, input: SignIn): Promise<SignedIn> {
  const { rateLimits } = app
  const account = input.email.trim().toLowerCase()
  const accountFromIp = JSON.stringify([account, request.clientIp])
  await consumePoint(rateLimits.authPerIp, request.clientIp)
  await ensurePointsLeft(rateLimits.authFailuresPerAccountFromIp, accountFromIp)
  const delayMs = await slowdownFor(rateLimits.authFailuresPerAccount, account, app.config.RATE_LIMIT_AUTH_SLOWDOWN_MAX_MS)
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs))
  try {
    const signedIn = await checkPassword(app, request, input)
    await rateLimits.authFailuresPerAccountFromIp.delete(accountFromIp)
    return signedIn
  } catch (error) {
    if (error instanceof DomainError && error.code === 'UNAUTHORIZED') {
      await Promise.all([rateLimits.authFailuresPerAccountFromIp.penalty(accountFromIp), rateLimits.authFailuresPerAccount.penalty(account)])
    }
    throw error
  }
}

async function checkPassword(app: AppContext, request: AuthRequest, input: SignIn): Promise<SignedIn> {
  if (app.config.AUTH_MODE === 'local') {
    return startLocalSession(app, request, await verifyLocalCredentials(app.database.db, input))
  }
  const { data, error } = await supabaseFor(app, request).auth.signInWithPassword(input)
  if (error || !data.session) throw supabaseError(error, 'sign-in')
  return {
    accessToken: data.session.access_token,
    expiresAt: new Date((data.session.expires_at ?? 0) * 1000),
    user: { id: data.user.id, email: data.user.email ?? input.email },
  }
}

/**
 * Local mode: ends the caller's sign-in session, so its token (bearer or cookie, and any copy of it) is
 * refused from now on, then clears the cookie. Supabase mode: Supabase ends the refresh token; an
 * access token it already issued stays valid until its `exp` (Supabase's own semantics).
 */
export async function signOut(app: AppContext, request: AuthRequest, identity: RequestIdentity): Promise<void> {
  if (app.config.AUTH_MODE === 'local') {
    if (identity.kind === 'authenticated') await app.auth.endLocalSession(identity.claims)
    request.setCookie(await app.auth.sessionCookie.serialize('', { maxAge: 0, expires: new Date(0) }))
    return
  }
  await supabaseFor(app, request).auth.signOut({ scope: 'local' })
}

/** Supabase only: e-mails a sign-in link that comes back to /auth/confirm. */
export async function sendSignInLink(app: AppContext, request: AuthRequest, email: string): Promise<void> {
  if (app.config.AUTH_MODE !== 'supabase') {
    throw new DomainError('BAD_REQUEST', 'Sign-in links are available when the server uses Supabase sign-in.')
  }
  await consumePoint(app.rateLimits.authPerIp, request.clientIp)
  const { error } = await supabaseFor(app, request).auth.signInWithOtp({
    email,
    options: { emailRedirectTo: `${app.config.APP_URL}/auth/confirm` },
  })
  if (error) throw supabaseError(error, 'sign-in link')
}

/** Supabase only: turns the link's token hash (or PKCE code) into a session in cookies. */
export async function confirmSignInLink(app: AppContext, request: AuthRequest, link: { tokenHash?: string | null; code?: string | null }): Promise<void> {
  if (app.config.AUTH_MODE !== 'supabase') throw new DomainError('NOT_FOUND', 'This sign-in link was not found.')
  const supabase = supabaseFor(app, request)
  const { error } = link.code
    ? await supabase.auth.exchangeCodeForSession(link.code)
    : await supabase.auth.verifyOtp({ type: 'email', token_hash: link.tokenHash ?? '' })
  if (error) throw new DomainError('UNAUTHORIZED', 'This sign-in link has expired or was already used. Ask for a new one.')
}

async function startLocalSession(app: AppContext, request: AuthRequest, user: SessionUser): Promise<SignedIn> {
  const session = await app.auth.issueLocalSession(user)
  request.setCookie(await app.auth.sessionCookie.serialize(session.accessToken, { expires: session.expiresAt }))
  return session
}

const supabaseFor = (app: AppContext, request: AuthRequest) => createSupabaseServerClient(app.config, request.cookieHeader, request.setCookie)

/** Supabase's answers in our words; its own messages stay in the log. */
function supabaseError(error: { status?: number; code?: string; message?: string } | null, action: string): Error {
  if (error?.code === 'user_already_exists' || error?.code === 'email_exists') {
    const message = 'An account with this e-mail already exists. Sign in instead.'
    return new DomainError('CONFLICT', message, { issues: [{ path: 'email', message }] })
  }
  if (error?.code === 'weak_password') {
    const message = 'Choose a stronger password.'
    return new DomainError('BAD_REQUEST', message, { issues: [{ path: 'password', message }] })
  }
  if (error?.status === 429) return new DomainError('TOO_MANY_REQUESTS', 'Too many attempts. Please wait a moment and try again.', { retryAfterSeconds: 60 })
  if (error?.status && error.status < 500) {
    return new DomainError('UNAUTHORIZED', action === 'sign-in' ? 'The e-mail or password is not right.' : `The ${action} was refused.`)
  }
  return new Error(`Supabase ${action} failed`, { cause: error })
}
