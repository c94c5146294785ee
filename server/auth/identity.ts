import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from 'jose'
import type { Claims } from '../../db/rls'
import type { Config } from '../config'
import type { SessionCookie } from '../cookies/session-cookie'
import { databaseUnavailableError } from '../errors'
import { createSupabaseServerClient } from './supabase'

export interface AuthenticatedClaims extends Claims {
  role: 'authenticated'
  sub: string
}

/** Who a request is: nobody, a verified user, or someone holding a token we refuse. */
export type RequestIdentity =
  | { kind: 'anonymous' }
  | { kind: 'authenticated'; claims: AuthenticatedClaims; token: string }
  | { kind: 'invalid'; reason: string }

/** What reading an identity needs of a request: its headers (a Fetch `Request`, or Node's wrapped). */
export interface RequestHeaders {
  headers: Pick<Headers, 'get'>
}

export type IdentityReader = (request: RequestHeaders) => Promise<RequestIdentity>

/** Verifies an access token and returns its claims, or a reason it is refused. */
export type TokenVerifier = (token: string) => Promise<RequestIdentity>

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Checks signature, algorithm, `exp`, `aud` and `iss`, then the role: only `authenticated` is
 * accepted. A correctly signed token for any other role (service_role, postgres) is refused — the
 * service role is never reachable from a request.
 */
function createTokenVerifier(key: Promise<CryptoKey> | JWTVerifyGetKey, options: { algorithms: string[]; issuer: string }): TokenVerifier {
  return rememberingVerified(async (token) => {
    try {
      const { payload } =
        typeof key === 'function'
          ? await jwtVerify(token, key, { ...options, audience: 'authenticated', requiredClaims: ['exp', 'sub'] })
          : await jwtVerify(token, await key, { ...options, audience: 'authenticated', requiredClaims: ['exp', 'sub'] })
      if (payload.role !== 'authenticated') return { kind: 'invalid', reason: 'role not allowed' }
      if (typeof payload.sub !== 'string' || !uuidPattern.test(payload.sub)) {
        return { kind: 'invalid', reason: 'malformed subject' }
      }
      return { kind: 'authenticated', claims: payload as AuthenticatedClaims, token }
    } catch (error) {
      if (error instanceof errors.JOSEError) return { kind: 'invalid', reason: error.code }
      throw error
    }
  })
}

/** A verified token is remembered for at most this long, and never past its `exp`. */
const REMEMBER_VERIFIED_MS = 60_000
const REMEMBERED_TOKENS_MAX = 10_000

/**
 * Verified tokens, remembered by their whole text (signature included): a page verifies its cookie's
 * token up to three times (session refresh, root loader, the wizard's procedures), and a typed client
 * sends the same token with every call. Refused tokens are not remembered; the minute bounds how long
 * a token stays accepted after its signing key left a JWKS.
 */
function rememberingVerified(verify: TokenVerifier): TokenVerifier {
  const remembered = new Map<string, { identity: RequestIdentity; until: number }>()
  return async (token) => {
    const now = Date.now()
    const known = remembered.get(token)
    if (known && known.until > now) return known.identity
    remembered.delete(token)
    const identity = await verify(token)
    if (identity.kind !== 'authenticated') return identity
    if (remembered.size >= REMEMBERED_TOKENS_MAX) remembered.delete(remembered.keys().next().value!)
    Object.freeze(identity.claims)
    remembered.set(token, { identity: Object.freeze(identity), until: Math.min(now + REMEMBER_VERIFIED_MS, (identity.claims.exp ?? 0) * 1000) })
    return identity
  }
}

/** An HS256 secret as a key, imported once: jose imports a raw secret again for every token. */
const hs256Key = (secret: string) => crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])

export function createLocalTokenVerifier(options: { secret: string; issuer: string }): TokenVerifier {
  return createTokenVerifier(hs256Key(options.secret), { algorithms: ['HS256'], issuer: options.issuer })
}

/**
 * Supabase access tokens: asymmetric keys from the project's JWKS, or the legacy shared secret when
 * SUPABASE_JWT_SECRET is set. An HS256 token is never accepted where a JWKS key is expected.
 */
export function createSupabaseTokenVerifier(config: Pick<Config, 'SUPABASE_URL' | 'SUPABASE_JWT_SECRET'>): TokenVerifier {
  if (!config.SUPABASE_URL) throw new Error('SUPABASE_URL is required in supabase mode')
  const issuer = `${config.SUPABASE_URL.replace(/\/$/, '')}/auth/v1`
  if (config.SUPABASE_JWT_SECRET) {
    return createTokenVerifier(hs256Key(config.SUPABASE_JWT_SECRET), { algorithms: ['HS256'], issuer })
  }
  const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`))
  return createTokenVerifier(jwks, { algorithms: ['RS256', 'ES256', 'EdDSA'], issuer })
}

/** Where a browser keeps its token: our session cookie (local) or Supabase's session cookies. */
export type CookieTokenReader = (request: RequestHeaders) => Promise<string | null>

export const localCookieToken =
  (cookie: SessionCookie): CookieTokenReader =>
  async (request) => {
    const value: unknown = await cookie.parse(request.headers.get('cookie'))
    return typeof value === 'string' && value.length > 0 ? value : null
  }

export const supabaseCookieToken =
  (config: Pick<Config, 'SUPABASE_URL' | 'SUPABASE_ANON_KEY' | 'NODE_ENV'>): CookieTokenReader =>
  async (request) => {
    // Reading only: a refresh, if one is due, already happened in the session middleware.
    const supabase = createSupabaseServerClient(config, request.headers.get('cookie'), () => {})
    const { data } = await supabase.auth.getSession()
    return data.session?.access_token ?? null
  }

/**
 * The one function that turns a request into verified claims, used by tRPC, loaders/actions and the
 * copilot route. A bearer token wins over the cookie.
 */
export function createIdentityReader(verify: TokenVerifier, cookieToken: CookieTokenReader): IdentityReader {
  return async (request) => {
    const token = bearerToken(request) ?? (await cookieToken(request))
    if (!token) return { kind: 'anonymous' }
    try {
      return await verify(token)
    } catch (error) {
      // A local token's sign-in session is looked up in the database: when that is away, the request
      // is to be retried, like any other that needs it (503), never answered as a crash.
      throw databaseUnavailableError(error) ?? error
    }
  }
}

function bearerToken(request: RequestHeaders): string | null {
  const header = request.headers.get('authorization')
  const match = header?.match(/^Bearer\s+(\S+)$/i)
  return match?.[1] ?? null
}
