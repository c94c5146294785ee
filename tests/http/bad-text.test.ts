import { beforeAll, expect, it } from 'vitest'
import { describeEachDatabase } from '../support/databases'
import { browserCookie, signUp } from '../support/organizers'
import { postForm, useTestServer } from '../support/server'

/*
 * Postgres refuses U+0000 and unpaired surrogates in text and jsonb. Text like that is refused at every
 * door as a 400 naming the field — never a 500 from the database. Each bad input is counted, and the
 * last test says how many were tried and how many got a 5xx (none may).
 */
const NUL = 'Défilé\u0000 printemps'
const LONE_SURROGATE = 'Défilé \ud83d printemps'
const MESSAGE = 'Remove the NUL character or the broken Unicode character from this text.'

describeEachDatabase('text Postgres cannot store', (kind) => {
  const { server } = useTestServer(kind)
  let organizer: Awaited<ReturnType<typeof signUp>>
  let sessionId: string
  const tried: { what: string; status: number }[] = []
  beforeAll(async () => {
    organizer = await signUp(server, 'bad-text')
    sessionId = (await organizer.api.wizard.create.mutate({ fresh: true })).sessionId
  })

  /** A typed-API call as raw HTTP (so nothing on the client side cleans the text), with its body. */
  async function call(procedure: string, input: unknown, options: { query?: boolean; token?: string | null } = {}) {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    const token = options.token === undefined ? organizer.token : options.token
    if (token) headers.authorization = `Bearer ${token}`
    const body = JSON.stringify({ json: input }) // escapes a lone surrogate as \ud83d: the server reads it back unpaired
    const response = options.query
      ? await fetch(`${server.url}/api/trpc/${procedure}?input=${encodeURIComponent(body)}`, { headers })
      : await fetch(`${server.url}/api/trpc/${procedure}`, { method: 'POST', headers, body })
    tried.push({ what: procedure, status: response.status })
    return { status: response.status, body: (await response.json()) as { error?: { json: { data: { issues: { path: string; message: string }[] | null } } } } }
  }
  const issuesOf = (answer: Awaited<ReturnType<typeof call>>) => answer.body.error?.json.data.issues

  it('refuses it in a wizard merge: a field, an unknown nested key, a key itself (400, by path)', async () => {
    for (const bad of [NUL, LONE_SURROGATE]) {
      const cases: [Record<string, unknown>, string][] = [
        [{ name: bad }, 'name'],
        [{ organization: `Maison ${bad}` }, 'organization'],
        [{ extra: { deep: [1, { note: bad }] } }, 'extra.deep.1.note'],
        [{ [`ti${bad}tle`]: 'Fine' }, `ti${bad}tle`],
      ]
      for (const [data, path] of cases) {
        for (const validate of ['draft', 'strict']) {
          const answer = await call('wizard.merge', { sessionId, stage: 'organizerSetup', data, validate })
          expect(answer.status, `${path} ${validate}`).toBe(400)
          expect(issuesOf(answer), path).toContainEqual({ path, message: MESSAGE })
        }
      }
    }
  })

  it('refuses it in an organization name, a slug, an e-mail, an invitation', async () => {
    for (const bad of [NUL, LONE_SURROGATE]) {
      const org = await call('orgs.create', { name: bad })
      expect(org.status).toBe(400)
      expect(issuesOf(org)).toEqual([{ path: 'name', message: MESSAGE }])
      const slug = await call('events.bySlug', { slug: `spring${bad}` }, { query: true, token: null })
      expect(slug.status).toBe(400)
      expect(issuesOf(slug)).toEqual([{ path: 'slug', message: MESSAGE }])
      for (const procedure of ['auth.signIn', 'auth.signUp']) {
        const answer = await call(procedure, { email: `a${bad}@example.test`, password: 'a-long-enough-pass-2031' }, { token: null })
        expect(answer.status, procedure).toBe(400)
        expect(issuesOf(answer)?.[0]?.path, procedure).toBe('email')
      }
      const member = await call('orgs.invite', { organizationId: '00000000-0000-4000-8000-000000000000', email: `b${bad}@example.test`, role: 'member' })
      expect(member.status).toBe(400)
    }
  })

  it('answers 404 for a public page whose address holds such text', async () => {
    for (const path of ['/e/%00', '/e/spring%00show', '/e/%ED%A0%BD', '/e/%C0%80']) {
      const response = await fetch(`${server.url}${path}`)
      tried.push({ what: path, status: response.status })
      expect(response.status, path).toBe(404)
    }
  })

  it('shows the message beside the field on the forms (400, input kept)', async () => {
    const cookie = await browserCookie(server, organizer.email)
    const org = await postForm(server, '/organizations', { intent: 'create', name: NUL }, { cookie })
    tried.push({ what: 'form /organizations', status: org.status })
    expect(org.status).toBe(400)
    expect(await org.text()).toContain(MESSAGE)

    const stage = await postForm(server, `/wizard/${sessionId}/organizerSetup`, { intent: 'save', name: NUL, organization: 'Maison Lune' }, { cookie })
    tried.push({ what: 'form organizerSetup', status: stage.status })
    expect(stage.status).toBe(400)
    expect(await stage.text()).toContain(MESSAGE)

    const signIn = await postForm(server, '/sign-in', { email: `x${NUL}@example.test`, password: 'whatever-2031' })
    tried.push({ what: 'form /sign-in', status: signIn.status })
    expect(signIn.status).toBe(400)
  })

  it('gave no 5xx to any of them', () => {
    const failures = tried.filter((attempt) => attempt.status >= 500)
    console.info(`[${kind}] bad text: ${tried.length} inputs tried, ${failures.length} answered 5xx`)
    expect(failures).toEqual([])
  })
})
