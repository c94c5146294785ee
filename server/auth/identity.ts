import { errors, jwtVerify } from 'jose'
import type { Claims } from '../../db/rls'
import type { SessionCookie } from './session-cookie'

export interface AuthenticatedClaims extends Claims {
  role: 'authenticated'
  sub: string
}

/** Who a request is: nobody, a verified user, or someone holding a token we refuse. */
export type RequestIdentity =
  | { kind: 'anonymous' }
  | { kind: 'authenticated'; claims: AuthenticatedClaims; token: string }
  | { kind: 'invalid'; reason: string }

export type IdentityReader = (request: Request) => Promise<RequestIdentity>

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * The one function that turns a request into verified claims, used by tRPC, loaders/actions and the
 * copilot route. A bearer token wins over the cookie. Only `role: authenticated` is accepted: a
 * correctly signed token for any other role (service_role, postgres) is refused.
 */
export function createIdentityReader(options: {
  secret: string
  issuer: string
  sessionCookie: SessionCookie
}): IdentityReader {
  const key = new TextEncoder().encode(options.secret)
  return async (request) => {
    const token = bearerToken(request) ?? (await cookieToken(request, options.sessionCookie))
    if (!token) return { kind: 'anonymous' }
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: ['HS256'],
        issuer: options.issuer,
        audience: 'authenticated',
        requiredClaims: ['exp', 'sub'],
      })
      if (payload.role !== 'authenticated') return { kind: 'invalid', reason: 'role not allowed' }
      if (typeof payload.sub !== 'string' || !uuidPattern.test(payload.sub)) {
        return { kind: 'invalid', reason: 'malformed subject' }
      }
      return { kind: 'authenticated', claims: payload as AuthenticatedClaims, token }
    } catch (error) {
      if (error instanceof errors.JOSEError) return { kind: 'invalid', reason: error.code }
      throw error
    }
  }
}

function bearerToken(request: Request): string | null {
  const header = request.headers.get('authorization')
  const match = header?.match(/^Bearer\s+(\S+)$/i)
  return match?.[1] ?? null
}

async function cookieToken(request: Request, cookie: SessionCookie): Promise<string | null> {
  const value: unknown = await cookie.parse(request.headers.get('cookie'))
  return typeof value === 'string' && value.length > 0 ? value : null
}
