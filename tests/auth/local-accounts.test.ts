import { sql } from 'drizzle-orm'
import { decodeJwt } from 'jose'
import { expect, it } from 'vitest'
import { queryRows } from '../../db/client'
import { asServiceRole } from '../../db/rls'
import { describeEachDatabase, randomSuffix } from '../support/databases'
import { PASSWORD } from '../support/organizers'
import { apiClient, cookiesOf, failureOf, postForm, signTestToken, useTestServer } from '../support/server'

describeEachDatabase('local accounts', (kind) => {
  const { server, database } = useTestServer(kind)

  const newEmail = () => `organizer-${randomSuffix()}@example.test`
  const storedAccount = async (email: string) => {
    const [row] = await asServiceRole(database.db, (tx) =>
      queryRows<{ id: string; encrypted_password: string }>(tx, sql`select id, encrypted_password from auth.users where lower(email) = ${email.toLowerCase()}`),
    )
    return row
  }

  it('signs up with a typed client: a Supabase-shaped token, and the password stored only as an argon2id hash', async () => {
    const email = newEmail()
    const result = await apiClient(server.url).auth.signUp.mutate({ email, password: PASSWORD })
    expect(result.confirmationRequired).toBe(false)
    if (result.confirmationRequired) return
    expect(result.user.email).toBe(email)
    expect(result.expiresAt).toBeInstanceOf(Date)
    const claims = decodeJwt(result.accessToken)
    expect(claims).toMatchObject({ sub: result.user.id, role: 'authenticated', aud: 'authenticated', email, iss: 'event-wizard' })
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(3600)

    const stored = await storedAccount(email)
    expect(stored?.id).toBe(result.user.id)
    expect(stored?.encrypted_password).toMatch(/^\$argon2id\$/)
    expect(stored?.encrypted_password).not.toContain(PASSWORD)

    const me = await apiClient(server.url, result.accessToken).auth.me.query()
    expect(me).toEqual({ user: { id: result.user.id, email }, organizations: [] })
  })

  it('signs in with the right password only; a wrong password and an unknown e-mail get the same answer', async () => {
    const email = newEmail()
    await apiClient(server.url).auth.signUp.mutate({ email, password: PASSWORD })

    const signedIn = await apiClient(server.url).auth.signIn.mutate({ email: email.toUpperCase(), password: PASSWORD })
    expect(signedIn.user.email).toBe(email)

    const wrongPassword = await failureOf(apiClient(server.url).auth.signIn.mutate({ email, password: `${PASSWORD}x` }))
    const unknownEmail = await failureOf(apiClient(server.url).auth.signIn.mutate({ email: newEmail(), password: PASSWORD }))
    for (const error of [wrongPassword, unknownEmail]) {
      expect(error.data?.code).toBe('UNAUTHORIZED')
      expect(error.message).toBe('The e-mail or password is not right.')
    }
  })

  it('refuses a second account for the same e-mail, whatever its case, with a clear message', async () => {
    const email = newEmail()
    await apiClient(server.url).auth.signUp.mutate({ email, password: PASSWORD })
    const error = await failureOf(apiClient(server.url).auth.signUp.mutate({ email: email.toUpperCase(), password: PASSWORD }))
    expect(error.data?.code).toBe('CONFLICT')
    expect(error.data?.issues).toEqual([{ path: 'email', message: 'An account with this e-mail already exists. Sign in instead.' }])
  })

  it.each([
    ['short', 'Use at least 10 characters.'],
    ['password123', 'This password is too common; choose one that is harder to guess.'],
    ['aaaaaaaaaaaa', 'Use a password with more different characters.'],
    ['x'.repeat(129), 'Use at most 128 characters.'],
  ])('refuses the weak password %j: %s', async (password, message) => {
    const email = newEmail()
    const error = await failureOf(apiClient(server.url).auth.signUp.mutate({ email, password }))
    expect(error.data?.code).toBe('BAD_REQUEST')
    expect(error.data?.issues).toContainEqual({ path: 'password', message })
    expect(await storedAccount(email)).toBeUndefined()
  })

  it('refuses a password containing the e-mail name, and a malformed e-mail', async () => {
    const name = `margiela${randomSuffix()}`
    const containsName = await failureOf(apiClient(server.url).auth.signUp.mutate({ email: `${name}@example.test`, password: `${name}-2031!` }))
    expect(containsName.data?.issues).toEqual([{ path: 'password', message: 'Your password must not contain your e-mail address.' }])
    const badEmail = await failureOf(apiClient(server.url).auth.signUp.mutate({ email: 'not-an-email', password: PASSWORD }))
    expect(badEmail.data?.issues).toEqual([{ path: 'email', message: 'Enter an e-mail address like name@example.com.' }])
  })

  it('keeps a browser signed in with an HttpOnly, SameSite=Lax cookie, and signs it out', async () => {
    const email = newEmail()
    await apiClient(server.url).auth.signUp.mutate({ email, password: PASSWORD })
    const signIn = await postForm(server, '/sign-in', { email, password: PASSWORD, redirectTo: '/organizations' })
    expect(signIn.status).toBe(302)
    expect(signIn.headers.get('location')).toBe('/organizations')
    const [setCookie] = signIn.headers.getSetCookie()
    expect(setCookie).toMatch(/^ew_session=/)
    expect(setCookie).toMatch(/; HttpOnly/)
    expect(setCookie).toMatch(/; SameSite=Lax/)
    expect(setCookie).toMatch(/; Secure/)
    const cookie = cookiesOf(signIn)

    const me = await fetch(`${server.url}/api/trpc/auth.me`, { headers: { cookie } })
    expect(me.status).toBe(200)

    const signOut = await postForm(server, '/sign-out', {}, { cookie })
    expect(signOut.status).toBe(302)
    expect(signOut.headers.getSetCookie()[0]).toMatch(/^ew_session=; .*Expires=Thu, 01 Jan 1970/)
    const afterwards = await fetch(`${server.url}/api/trpc/auth.me`, { headers: { cookie: cookiesOf(signOut) } })
    expect(afterwards.status).toBe(401)
  })

  it('shows the sign-in form again with the message, the e-mail kept and the password not echoed', async () => {
    const email = newEmail()
    const response = await postForm(server, '/sign-in', { email, password: 'wrong-password-1' })
    expect(response.status).toBe(401)
    const html = await response.text()
    expect(html).toContain('The e-mail or password is not right.')
    expect(html).toContain(`value="${email}"`)
    expect(html).not.toContain('wrong-password-1')
  })

  it('renews the session cookie once half of its lifetime has passed, and not before', async () => {
    const email = newEmail()
    const { user, accessToken } = await apiClient(server.url).auth.signIn.mutate(
      await apiClient(server.url)
        .auth.signUp.mutate({ email, password: PASSWORD })
        .then(() => ({ email, password: PASSWORD })),
    )
    const { sid } = decodeJwt(accessToken)
    const cookieFor = async (token: string) => (await server.app.auth.sessionCookie.serialize(token)).split(';')[0]!

    const fresh = await fetch(`${server.url}/organizations`, {
      headers: { cookie: await cookieFor(await signTestToken({ sub: user.id, email, sid }, { expiresIn: '50m' })) },
    })
    expect(fresh.status).toBe(200)
    expect(fresh.headers.getSetCookie()).toEqual([])

    const ageing = await fetch(`${server.url}/organizations`, {
      headers: { cookie: await cookieFor(await signTestToken({ sub: user.id, email, sid }, { expiresIn: '20m' })) },
    })
    expect(ageing.status).toBe(200)
    const renewed = ageing.headers.getSetCookie()[0] ?? ''
    expect(renewed).toMatch(/^ew_session=/)
    const token = await server.app.auth.sessionCookie.parse(renewed.split(';')[0]!)
    expect(decodeJwt(token as string)).toMatchObject({ sub: user.id, email, sid })
    expect((decodeJwt(token as string).exp ?? 0) * 1000).toBeGreaterThan(Date.now() + 50 * 60 * 1000)
  })
})
