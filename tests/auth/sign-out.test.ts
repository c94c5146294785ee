import { sql } from 'drizzle-orm'
import { decodeJwt } from 'jose'
import { expect, it } from 'vitest'
import { asServiceRole } from '../../db/rls'
import { describeEachDatabase } from '../support/databases'
import { PASSWORD, signUp } from '../support/organizers'
import { apiClient, cookiesOf, failureOf, postForm, signTestToken, useTestServer } from '../support/server'
import { testClock } from '../support/wizard-driver'

/** How long an instance may keep answering from its memory of a sign-in session (DESIGN.md: at most 30 s). */
const CACHE_BOUND_MS = 30_000

describeEachDatabase('signing out', (kind) => {
  const clock = testClock(new Date().toISOString())
  const { server, database } = useTestServer(kind, {}, { now: clock.now })

  it('ends a typed client’s token at once: auth.me is refused after auth.signOut', async () => {
    const organizer = await signUp(server, 'leaving')
    expect(decodeJwt(organizer.token).sid).toEqual(expect.stringMatching(/^[0-9a-f-]{36}$/))
    expect((await organizer.api.auth.me.query()).user.id).toBe(organizer.id)
    await organizer.api.auth.signOut.mutate()
    expect((await failureOf(organizer.api.auth.me.query())).data?.code).toBe('UNAUTHORIZED')
    expect((await failureOf(organizer.api.wizard.create.mutate({}))).data?.code).toBe('UNAUTHORIZED')
  })

  it('ends only the session signed out: the same account signed in elsewhere keeps working', async () => {
    const organizer = await signUp(server, 'two-devices')
    const laptop = await apiClient(server.url).auth.signIn.mutate({ email: organizer.email, password: PASSWORD })
    await organizer.api.auth.signOut.mutate()
    expect((await apiClient(server.url, laptop.accessToken).auth.me.query()).user.id).toBe(organizer.id)
  })

  it('ends a browser’s cookie on the sign-out form, even if the browser kept a copy of it', async () => {
    const organizer = await signUp(server, 'browser')
    const signedIn = await postForm(server, '/sign-in', { email: organizer.email, password: PASSWORD })
    const cookie = cookiesOf(signedIn)
    const me = () => fetch(`${server.url}/api/trpc/auth.me`, { headers: { cookie } })
    expect((await me()).status).toBe(200)
    expect((await postForm(server, '/sign-out', {}, { cookie })).status).toBe(302)
    expect((await me()).status).toBe(401)
  })

  it('refuses the token of a deleted account within the cache bound', async () => {
    const organizer = await signUp(server, 'deleted')
    expect((await organizer.api.auth.me.query()).user.id).toBe(organizer.id)
    await asServiceRole(database.db, (tx) => tx.execute(sql`delete from auth.users where id = ${organizer.id}`))
    clock.advance(CACHE_BOUND_MS + 1)
    expect((await failureOf(organizer.api.auth.me.query())).data?.code).toBe('UNAUTHORIZED')
  })

  it('refuses a correctly signed token without a sign-in session, or naming a session of another account', async () => {
    const organizer = await signUp(server, 'forged-sid')
    const other = await signUp(server, 'other-sid')
    const { sid } = decodeJwt(other.token)
    const withoutSession = await signTestToken({ sub: organizer.id, email: organizer.email })
    const borrowedSession = await signTestToken({ sub: organizer.id, email: organizer.email, sid })
    for (const token of [withoutSession, borrowedSession]) {
      expect((await failureOf(apiClient(server.url, token).auth.me.query())).data?.code).toBe('UNAUTHORIZED')
    }
    // Positive control: the token the server issued works.
    expect((await organizer.api.auth.me.query()).user.id).toBe(organizer.id)
  })

  it('keeps the session id when a browser’s token is renewed, so signing out ends the renewed one too', async () => {
    const organizer = await signUp(server, 'renewed')
    const signedIn = await postForm(server, '/sign-in', { email: organizer.email, password: PASSWORD })
    const first = cookiesOf(signedIn)
    // Past half the lifetime the next request gets a fresh token.
    clock.advance(31 * 60_000)
    const page = await fetch(`${server.url}/organizations`, { headers: { cookie: first } })
    expect(page.status).toBe(200)
    const renewed = cookiesOf(page)
    expect(renewed).toMatch(/^ew_session=/)
    const tokenOf = async (cookie: string) => decodeJwt((await server.app.auth.sessionCookie.parse(cookie)) as string)
    expect((await tokenOf(renewed)).sid).toBe((await tokenOf(first)).sid)
    await postForm(server, '/sign-out', {}, { cookie: first })
    expect((await fetch(`${server.url}/api/trpc/auth.me`, { headers: { cookie: renewed } })).status).toBe(401)
  })
})
