import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { migratePostgresUrl } from '../../db/migrate'
import { createPostgresDatabase, databaseKinds, dropPostgresDatabase, MIGRATION_COUNT } from '../support/databases'
import { TEST_JWT_SECRET } from '../support/server'
import { startServerProcess, stopServerProcess } from '../support/server-process'

describe('npm start on an empty data folder', () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'event-wizard-start-')), '.data')
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  // Two tests, each one cold start of the embedded database: together they outlast a test's time on a
  // busy machine; the second starts on what the first left.
  it('creates and migrates the embedded database, serves, and stops gracefully', async () => {
    const first = await startServerProcess({ DATA_DIR: dataDir })
    const health = await fetch(`${first.url}/healthz`)
    expect(health.status).toBe(200)
    expect(await health.json()).toMatchObject({ ok: true, database: { kind: 'pglite' } })
    expect(first.logs.find((entry) => entry.msg === 'embedded database ready')).toMatchObject({ applied: MIGRATION_COUNT })
    expect(existsSync(join(dataDir, 'pglite'))).toBe(true)
    // The local signing secret is generated once, never logged.
    expect(existsSync(join(dataDir, 'auth-jwt-secret'))).toBe(true)
    expect(await stopServerProcess(first)).toBe(0)
    expect(first.logs.at(-1)?.msg).toBe('stopped')
  })

  it('starts again on the same folder without migrating again', async () => {
    const second = await startServerProcess({ DATA_DIR: dataDir })
    expect(second.logs.find((entry) => entry.msg === 'embedded database ready')).toMatchObject({ applied: 0 })
    expect((await fetch(`${second.url}/healthz`)).status).toBe(200)
    expect(await stopServerProcess(second)).toBe(0)
  })

  it('refuses to start with a configuration error that names the variable', async () => {
    const failure = await startServerProcess({ DATA_DIR: dataDir, PORT: 'eighty' }).then(
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
    const server = await startServerProcess({ NODE_ENV: 'development', DATA_DIR: dataDir, COPILOTKIT_TELEMETRY_DISABLED: 'true' })
    try {
      const page = await fetch(`${server.url}/sign-in`)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('Sign in')
      // Loading this route loads CopilotKit's runtime and its dependencies from node_modules.
      const copilot = await fetch(`${server.url}/api/copilotkit`, { method: 'POST', body: '{"method":"info"}' })
      expect(copilot.status).toBe(503)
    } finally {
      // Vite's own SIGTERM handler may end the process first (143): either way it stops.
      expect([0, 143]).toContain(await stopServerProcess(server))
    }
  })
})

if (databaseKinds.includes('postgres')) {
  describe('npm start with DATABASE_URL', () => {
    it('serves from Postgres as the app role, and requires the shared secret', async () => {
      const { admin, app } = await createPostgresDatabase()
      try {
        await migratePostgresUrl(admin)
        const server = await startServerProcess({ DATABASE_URL: app, AUTH_JWT_SECRET: TEST_JWT_SECRET })
        const health = await fetch(`${server.url}/healthz`)
        expect(await health.json()).toMatchObject({ ok: true, database: { kind: 'postgres' } })
        expect(JSON.stringify(server.logs)).not.toContain(TEST_JWT_SECRET)
        expect(await stopServerProcess(server)).toBe(0)

        const refused = await startServerProcess({ DATABASE_URL: app }).then(
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
