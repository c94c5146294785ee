import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import type { ServerBuild } from '@remix-run/node'
import { SignJWT } from 'jose'
import type { DatabaseHandle } from '../../db/client'
import { createHttpApp } from '../../server/app'
import { type AppContext, createAppContext } from '../../server/app-context'
import { loadConfig } from '../../server/config'
import { createLogger } from '../../server/logger'

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-signing'

export interface TestServer {
  url: string
  app: AppContext
  close(): Promise<void>
}

/**
 * The real Express app around the production build, in this process, on a free port, against the
 * given database. The same stack `npm start` runs, minus process management.
 */
export async function startTestServer(database: DatabaseHandle, env: Record<string, string> = {}): Promise<TestServer> {
  const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', AUTH_JWT_SECRET: TEST_JWT_SECRET, ...env })
  const app = createAppContext({ config, logger: createLogger(config), database })
  const serverBuild = (await import(
    /* @vite-ignore */ fileURLToPath(new URL('../../build/server/index.js', import.meta.url))
  )) as ServerBuild
  const http = createHttpApp({
    app,
    build: { server: serverBuild, clientDir: fileURLToPath(new URL('../../build/client', import.meta.url)) },
  })
  const server = await new Promise<ReturnType<typeof http.listen>>((resolve) => {
    const listening = http.listen(0, '127.0.0.1', () => resolve(listening))
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** A token shaped like the ones local sign-in issues; tests vary its parts to see each refused. */
export async function signTestToken(
  claims: Record<string, unknown>,
  options: { secret?: string; expiresIn?: string | number; issuer?: string; audience?: string } = {},
): Promise<string> {
  return new SignJWT({ role: 'authenticated', ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setIssuer(options.issuer ?? 'event-wizard')
    .setAudience(options.audience ?? 'authenticated')
    .setExpirationTime(options.expiresIn ?? '15m')
    .sign(new TextEncoder().encode(options.secret ?? TEST_JWT_SECRET))
}
