import { randomUUID } from 'node:crypto'
import { request } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPostgresDatabase, databaseKinds, dropPostgresDatabase, TEMPLATE_DATABASE } from '../support/databases'
import { TEST_JWT_SECRET } from '../support/server'
import { type ServerProcess, startServerProcess, stopServerProcess } from '../support/server-process'

/** GET over a connection of its own (no keep-alive), so the shared port hands it to any worker. */
function getOnNewConnection(url: string, requestId: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false, headers: { 'x-request-id': requestId } }, (response) => {
      response.resume()
      response.on('end', () => resolve(response.statusCode ?? 0))
    })
      .on('error', reject)
      .end()
  })
}

/**
 * WEB_CONCURRENCY=2 (DESIGN "Operations and scale"): one instance, two workers sharing the port. Only
 * on Postgres: several workers need a database outside the process.
 */
if (databaseKinds.includes('postgres')) {
  describe('npm start with WEB_CONCURRENCY=2 [postgres]', () => {
    let urls: { app: string; admin: string }
    let server: ServerProcess
    beforeAll(async () => {
      urls = await createPostgresDatabase(TEMPLATE_DATABASE)
      server = await startServerProcess({ DATABASE_URL: urls.app, AUTH_JWT_SECRET: TEST_JWT_SECRET, WEB_CONCURRENCY: '2', CLEANUP_INTERVAL_MINUTES: '0' })
    })
    afterAll(async () => {
      if (server?.child.exitCode === null) await stopServerProcess(server)
      if (urls) await dropPostgresDatabase(urls.admin)
    })

    const listeningPids = () => server.logs.filter((entry) => String(entry.msg).startsWith('listening on')).map((entry) => entry.pid)
    async function until(condition: () => boolean) {
      while (!condition()) {
        if (server.child.exitCode !== null) throw new Error(`the server exited: ${server.stderr()}`)
        await sleep(20)
      }
    }

    /** The pid of the worker that answered each request, read from its request log line. */
    async function answeringPid(): Promise<unknown> {
      const requestId = randomUUID()
      expect(await getOnNewConnection(`${server.url}/sign-in`, requestId)).toBe(200)
      await until(() => server.logs.some((entry) => (entry.req as { id?: string } | undefined)?.id === requestId))
      return server.logs.find((entry) => (entry.req as { id?: string } | undefined)?.id === requestId)!.pid
    }

    async function pidsAnswering(workers: number): Promise<Set<unknown>> {
      const pids = new Set<unknown>()
      // Connections go round-robin over the workers; a few more than two rounds is plenty.
      for (let attempt = 0; attempt < 5 * workers && pids.size < workers; attempt++) pids.add(await answeringPid())
      return pids
    }

    it('answers from two workers, replaces one that dies, and stops them all on SIGTERM', { timeout: 90_000 }, async () => {
      await until(() => listeningPids().length === 2)
      const workers = new Set(listeningPids())
      expect(workers.size).toBe(2)
      expect(workers.has(server.child.pid)).toBe(false)
      expect(await pidsAnswering(2)).toEqual(workers)

      const [killed] = [...workers] as number[]
      process.kill(killed!, 'SIGKILL')
      await until(() => listeningPids().length === 3)
      expect(server.logs.find((entry) => entry.msg === 'a worker died; starting another')).toMatchObject({ worker: killed, signal: 'SIGKILL' })
      const replaced = new Set(listeningPids().filter((pid) => pid !== killed))
      expect(await pidsAnswering(2)).toEqual(replaced)

      expect(await stopServerProcess(server)).toBe(0)
      expect(
        server.logs
          .filter((entry) => entry.msg === 'stopped')
          .map((entry) => entry.pid)
          .sort(),
      ).toEqual([...replaced, server.child.pid].sort())
      for (const pid of replaced) expect(() => process.kill(pid as number, 0)).toThrow()
    })
  })
}
