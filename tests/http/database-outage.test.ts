import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postCopilot } from '../support/copilot-client'
import { createPostgresDatabase, databaseKinds, dropPostgresDatabase, TEMPLATE_DATABASE } from '../support/databases'
import { browserCookie, signUp } from '../support/organizers'
import { apiClient, postForm, TEST_JWT_SECRET } from '../support/server'
import { type ServerProcess, startServerProcess, stopServerProcess } from '../support/server-process'
import { startTcpProxy } from '../support/tcp-proxy'

/**
 * Every door while the database is away (DESIGN "Operations and scale"): the app reaches Postgres
 * through a proxy the test takes down. Pages, forms, the typed API, the copilot and /healthz answer
 * 503 with Retry-After, never a 500; once the database is back the same requests succeed, with no
 * restart.
 */
if (databaseKinds.includes('postgres')) {
  describe('the database is away [postgres]', () => {
    let urls: { app: string; admin: string }
    let proxy: Awaited<ReturnType<typeof startTcpProxy>>
    let server: ServerProcess
    beforeAll(async () => {
      urls = await createPostgresDatabase(TEMPLATE_DATABASE)
      const direct = new URL(urls.app)
      proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) })
      const proxied = new URL(urls.app)
      proxied.port = String(proxy.port)
      server = await startServerProcess({
        DATABASE_URL: proxied.toString(),
        AUTH_JWT_SECRET: TEST_JWT_SECRET,
        CLEANUP_INTERVAL_MINUTES: '0',
        // A configured assistant, so its door reads the wizard; no call here reaches the model.
        COPILOT_PROVIDER: 'openai-compatible',
        COPILOT_MODEL: 'unused',
        COPILOT_BASE_URL: 'http://127.0.0.1:9/v1',
      })
    })
    afterAll(async () => {
      if (server?.child.exitCode === null) await stopServerProcess(server)
      await proxy?.close()
      if (urls) await dropPostgresDatabase(urls.admin)
    })

    it('answers 503 with Retry-After on every door, and serves again once it is back', async () => {
      const organizer = await signUp(server, 'outage')
      const cookie = await browserCookie(server, organizer.email)
      const { sessionId } = await organizer.api.wizard.create.mutate({})
      const page = `/wizard/${sessionId}/organizerSetup`
      const requests = {
        health: () => fetch(`${server.url}/healthz`),
        api: () =>
          fetch(`${server.url}/api/trpc/wizard.get?input=${encodeURIComponent(JSON.stringify({ json: { sessionId } }))}`, {
            headers: { authorization: `Bearer ${organizer.token}` },
          }),
        page: () => fetch(`${server.url}${page}`, { headers: { cookie } }),
        form: () => postForm(server, page, { intent: 'save', name: 'Maison Outage' }, { cookie }),
        signIn: () => postForm(server, '/sign-in', { email: organizer.email, password: 'not-checked-while-away' }),
        copilot: () => postCopilot(server, { method: 'info' }, { cookie, origin: server.url, 'x-wizard-session': sessionId }),
      }

      await proxy.down()
      for (const [door, send] of Object.entries(requests)) {
        const response = await send()
        const body = await response.text()
        expect({ door, status: response.status, retryAfter: response.headers.get('retry-after') }).toEqual({ door, status: 503, retryAfter: '5' })
        expect(body).not.toMatch(/at .+\.(js|ts):\d+/)
      }
      expect(server.child.exitCode).toBeNull()

      await proxy.up()
      expect((await requests.health()).status).toBe(200)
      expect((await requests.api()).status).toBe(200)
      expect((await requests.page()).status).toBe(200)
      expect((await requests.copilot()).status).toBe(200)
      // A draft with only a name is saved and shown again with what is still missing.
      expect((await requests.form()).status).toBe(200)
      expect(await apiClient(server.url, organizer.token).wizard.get.query({ sessionId })).toMatchObject({
        data: { organizerSetup: { name: 'Maison Outage' } },
      })
    })
  })
}
