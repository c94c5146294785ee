import { request } from 'node:http'
import { beforeAll, expect, it } from 'vitest'
import { describeEachDatabase } from '../support/databases'
import { browserCookie, signUp } from '../support/organizers'
import { type TestServer, useTestServer } from '../support/server'

const APP_URL = 'https://wizard.example'

/** A raw form post with exactly these headers (fetch would not let a test choose the Host). */
function rawPost(server: TestServer, path: string, headers: Record<string, string>, body = 'intent=create&name=Maison') {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)), ...headers },
    })
    req.on('response', (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

/*
 * Behind a proxy that rewrites Host, a post from the app's own origin (APP_URL) reaches us with a Host
 * that is not that origin's. Remix refuses such a document post itself, by throwing (an empty 500):
 * we answer it first, 403 with a reason, unless X-Forwarded-Host says where it was sent.
 */
describeEachDatabase('a form post whose Host is not its Origin', (kind) => {
  const { server } = useTestServer(kind, { APP_URL })
  let cookie: string
  beforeAll(async () => {
    cookie = await browserCookie(server, (await signUp(server, 'forwarded')).email)
  })

  it('answers 403 with a reason, not an empty 500', async () => {
    for (const path of ['/organizations', '/sign-in', '/organizations.data']) {
      const response = await rawPost(server, path, { origin: APP_URL, host: 'internal:8080', cookie })
      expect(response.status, path).toBe(403)
      expect(response.body, path).toMatch(/Host/)
    }
  })

  it('accepts it when the proxy says where it was sent (X-Forwarded-Host), as Remix does', async () => {
    const response = await rawPost(server, '/organizations', { origin: APP_URL, host: 'internal:8080', 'x-forwarded-host': 'wizard.example', cookie })
    expect(response.status).toBe(302)
  })
})
