import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { createPostgresDatabase, databaseKinds, dropPostgresDatabase, migrationCount } from '../support/databases'
import { migratePostgresUrl } from '../../db/migrate'
import { TEST_JWT_SECRET } from '../support/server'

const root = fileURLToPath(new URL('../..', import.meta.url))

interface RunningServer {
  child: ChildProcess
  url: string
  logs: Record<string, unknown>[]
  exited: Promise<number | null>
}

/** Starts `server/http.ts` as `npm start` does and waits until it listens (or exits). */
function startServer(env: Record<string, string>): Promise<RunningServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/http.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH, NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const logs: Record<string, unknown>[] = []
  let stderr = ''
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return new Promise((resolve, reject) => {
    let buffered = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString()
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      for (const line of lines) {
        // The server logs JSON; Vite (in development) may print its own lines.
        if (!line.startsWith('{')) continue
        const entry = JSON.parse(line) as Record<string, unknown>
        logs.push(entry)
        if (typeof entry.msg === 'string' && entry.msg.startsWith('listening on')) {
          resolve({ child, url: `http://127.0.0.1:${entry.port}`, logs, exited })
        }
      }
    })
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    void exited.then((code) => reject(Object.assign(new Error(`server exited with ${code}: ${stderr}`), { code, stderr })))
  })
}

async function stopServer(server: RunningServer): Promise<number | null> {
  server.child.kill('SIGTERM')
  return server.exited
}

describe('npm start on an empty data folder', () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'event-wizard-start-')), '.data')
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  it('creates and migrates the embedded database, serves, stops gracefully, and starts again', async () => {
    const first = await startServer({ DATA_DIR: dataDir })
    const health = await fetch(`${first.url}/healthz`)
    expect(health.status).toBe(200)
    expect(await health.json()).toMatchObject({ ok: true, database: { kind: 'pglite' } })
    expect(first.logs.find((entry) => entry.msg === 'embedded database ready')).toMatchObject({ applied: migrationCount })
    expect(existsSync(join(dataDir, 'pglite'))).toBe(true)
    // The local signing secret is generated once, never logged.
    expect(existsSync(join(dataDir, 'auth-jwt-secret'))).toBe(true)
    expect(await stopServer(first)).toBe(0)
    expect(first.logs.at(-1)?.msg).toBe('stopped')

    const second = await startServer({ DATA_DIR: dataDir })
    expect(second.logs.find((entry) => entry.msg === 'embedded database ready')).toMatchObject({ applied: 0 })
    expect((await fetch(`${second.url}/healthz`)).status).toBe(200)
    expect(await stopServer(second)).toBe(0)
  })

  it('refuses to start with a configuration error that names the variable', async () => {
    const failure = await startServer({ DATA_DIR: dataDir, PORT: 'eighty' }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    )
    expect(failure?.code).toBe(1)
    expect(failure?.stderr).toContain('PORT')
    expect(failure?.stderr).not.toMatch(/at .+\.(js|ts):\d+/)
  })
})

describe('npm run dev', () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'event-wizard-dev-')), '.data')
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  it('serves the pages and the copilot route through Vite from the TypeScript sources', { timeout: 120_000 }, async () => {
    const server = await startServer({ NODE_ENV: 'development', DATA_DIR: dataDir, COPILOTKIT_TELEMETRY_DISABLED: 'true' })
    try {
      const page = await fetch(`${server.url}/sign-in`)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('Sign in')
      // Loading this route loads CopilotKit's runtime and its dependencies from node_modules.
      const copilot = await fetch(`${server.url}/api/copilotkit`, { method: 'POST', body: '{"method":"info"}' })
      expect(copilot.status).toBe(503)
    } finally {
      // Vite's own SIGTERM handler may end the process first (143): either way it stops.
      expect([0, 143]).toContain(await stopServer(server))
    }
  })
})

if (databaseKinds.includes('postgres')) {
  describe('npm start with DATABASE_URL', () => {
    it('serves from Postgres as the app role, and requires the shared secret', async () => {
      const { admin, app } = await createPostgresDatabase()
      try {
        await migratePostgresUrl(admin)
        const server = await startServer({ DATABASE_URL: app, AUTH_JWT_SECRET: TEST_JWT_SECRET })
        const health = await fetch(`${server.url}/healthz`)
        expect(await health.json()).toMatchObject({ ok: true, database: { kind: 'postgres' } })
        expect(JSON.stringify(server.logs)).not.toContain(TEST_JWT_SECRET)
        expect(await stopServer(server)).toBe(0)

        const refused = await startServer({ DATABASE_URL: app }).then(
          () => null,
          (error: { code: number; stderr: string }) => error,
        )
        expect(refused?.code).toBe(1)
        expect(refused?.stderr).toContain('AUTH_JWT_SECRET is required when DATABASE_URL is set')
      } finally {
        await dropPostgresDatabase(admin)
      }
    })
  })
}
