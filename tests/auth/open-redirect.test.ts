import { beforeAll, describe, expect, it } from 'vitest'
import { safeRedirect } from '../../server/auth/safe-redirect'
import { describeEachDatabase, randomSuffix } from '../support/databases'
import { browserCookie, PASSWORD, signUp } from '../support/organizers'
import { postForm, useTestServer } from '../support/server'

const APP_URL = 'https://wizard.example'

/** Targets a browser would follow off the app (or that would break the header), each must give `/`. */
const hostile = [
  '/\t/evil.example',
  '/\n/evil.example',
  '/\r\n/evil.example',
  '/ /evil.example',
  '\t//evil.example',
  '//evil.example',
  '///evil.example',
  '/\\evil.example',
  '\\\\evil.example',
  '/.//evil.example',
  '/%2e%2e//evil.example',
  'https://evil.example/',
  'http://wizard.example/', // another scheme is another origin
  'https://wizard.example.evil.example/',
  'https://wizard.example@evil.example/',
  '//evil。example',
  '/\u3000/evil.example',
  '/\u00a0/evil.example',
  'javascript:alert(1)',
  'data:text/html,hi',
  ' https://evil.example',
  '/\u0000',
  'https://[::1',
  '',
  null,
  undefined,
  42,
]

describe('safeRedirect', () => {
  it.each(hostile.map((target) => [JSON.stringify(target) ?? String(target), target]))('sends %s home', (_label, target) => {
    expect(safeRedirect(target, APP_URL)).toBe('/')
  })

  it('keeps a path of the app with its query and fragment, percent-encoded', () => {
    expect(safeRedirect('/organizations', APP_URL)).toBe('/organizations')
    expect(safeRedirect('/wizard/1/eventSetup?x=1#top', APP_URL)).toBe('/wizard/1/eventSetup?x=1#top')
    expect(safeRedirect('https://wizard.example/organizations?a=b', APP_URL)).toBe('/organizations?a=b')
    expect(safeRedirect('/défilé。', APP_URL)).toBe('/d%C3%A9fil%C3%A9%E3%80%82')
  })
})

describeEachDatabase('redirects after signing in', (kind) => {
  const { server } = useTestServer(kind)
  let email: string
  let cookie: string
  beforeAll(async () => {
    email = (await signUp(server, 'redirect')).email
    cookie = await browserCookie(server, email)
  })

  const targets = [
    '/\t/evil.example',
    '/\r\n/evil.example',
    '//evil.example',
    '/\\evil.example',
    '/.//evil.example',
    '//evil。example',
    '/。',
    'https://evil.example',
  ]

  it('sends a signed-in visitor of /sign-in and /sign-up home, never off the app (and never a 500)', async () => {
    for (const page of ['/sign-in', '/sign-up']) {
      for (const target of targets) {
        const response = await fetch(`${server.url}${page}?${new URLSearchParams({ redirectTo: target })}`, {
          headers: { cookie },
          redirect: 'manual',
        })
        expect(response.status, `${page} ${JSON.stringify(target)}`).toBe(302)
        expect(response.headers.get('location'), `${page} ${JSON.stringify(target)}`).toBe(target === '/。' ? '/%E3%80%82' : '/')
      }
    }
  })

  it('sends home after a successful sign-in or sign-up form post', async () => {
    for (const target of targets) {
      const signIn = await postForm(server, '/sign-in', { email, password: PASSWORD, redirectTo: target })
      expect(signIn.status, JSON.stringify(target)).toBe(302)
      expect(signIn.headers.get('location'), JSON.stringify(target)).toBe(target === '/。' ? '/%E3%80%82' : '/')
    }
    const signUp = await postForm(server, '/sign-up', {
      email: `redirect-new-${randomSuffix()}@example.test`,
      password: PASSWORD,
      redirectTo: '/\t/evil.example',
    })
    expect(signUp.status).toBe(302)
    expect(signUp.headers.get('location')).toBe('/')
  })
})
