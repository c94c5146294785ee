import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createLocalTokenVerifier } from '../../server/auth/identity'
import { issueAccessToken } from '../../server/auth/tokens'

const secret = 'token-verifier-test-secret-that-is-long-enough'
const issuer = 'event-wizard'
const user = { id: randomUUID(), email: 'ada@example.test' }
const tokenFor = async (ttlSeconds: number) =>
  (await issueAccessToken(user, { secret, issuer, ttlSeconds, now: new Date(), sessionId: randomUUID() })).accessToken

/* A verified token is remembered (a page verifies its cookie several times): never past its expiry, never for another token. */
describe('the token verifier', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('accepts a token again while it is valid, and refuses it from the second it expires', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date('2031-03-01T10:00:00Z'))
    const verify = createLocalTokenVerifier({ secret, issuer })
    const token = await tokenFor(30)
    expect(await verify(token)).toMatchObject({ kind: 'authenticated', claims: { sub: user.id } })
    vi.setSystemTime(new Date('2031-03-01T10:00:29Z'))
    expect(await verify(token)).toMatchObject({ kind: 'authenticated', claims: { sub: user.id } })
    vi.setSystemTime(new Date('2031-03-01T10:00:30Z'))
    expect(await verify(token)).toEqual({ kind: 'invalid', reason: 'ERR_JWT_EXPIRED' })
  })

  it('refuses a token whose signature differs from one it accepted', async () => {
    const verify = createLocalTokenVerifier({ secret, issuer })
    const token = await tokenFor(600)
    expect((await verify(token)).kind).toBe('authenticated')
    const [header, payload, signature] = token.split('.') as [string, string, string]
    const forged = `${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BA' : 'AA'}`
    expect(await verify(forged)).toEqual({ kind: 'invalid', reason: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' })
    const other = createLocalTokenVerifier({ secret: `${secret}-rotated`, issuer })
    expect(await other(token)).toEqual({ kind: 'invalid', reason: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' })
  })

  it('hands out claims that no caller can change for the next request', async () => {
    const verify = createLocalTokenVerifier({ secret, issuer })
    const token = await tokenFor(600)
    const first = await verify(token)
    if (first.kind !== 'authenticated') throw new Error('expected the token to be accepted')
    expect(() => {
      ;(first.claims as { sub: string }).sub = randomUUID()
    }).toThrow(TypeError)
    expect(await verify(token)).toMatchObject({ claims: { sub: user.id } })
  })
})
