import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import type { ServerBuild } from '@remix-run/node'
import { createTRPCClient, httpLink, type TRPCClientError } from '@trpc/client'
import { SignJWT } from 'jose'
import superjson from 'superjson'
import { afterAll, beforeAll } from 'vitest'
import type { DatabaseHandle, DatabaseKind } from '../../db/client'
import { createHttpApp } from '../../server/app'
import { type AppContext, createAppContext } from '../../server/app-context'
import { loadConfig } from '../../server/config'
import type { CopilotModel } from '../../server/copilot/model'
import { createLogger } from '../../server/logger'
import type { AppRouter } from '../../server/trpc/root'
import { openTestDatabase, type TestDatabase } from './databases'
import { envOf, type SuiteEnv, started } from './started'

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-signing'

export interface TestServer {
  url: string
  app: AppContext
  close(): Promise<void>
}

export interface TestServerOptions {
  now?: () => Date
  copilotModel?: CopilotModel | null
}

/**
 * The real Express app around the production build, in this process, on a free port, against the
 * given database. The same stack `npm start` runs, minus process management.
 */
export async function startTestServer(database: DatabaseHandle, env: Record<string, string> = {}, options: TestServerOptions = {}): Promise<TestServer> {
  const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', AUTH_JWT_SECRET: TEST_JWT_SECRET, ...env })
  const app = createAppContext({ config, logger: createLogger(config), database, now: options.now, copilotModel: options.copilotModel })
  const serverBuild = (await import(/* @vite-ignore */ fileURLToPath(new URL('../../build/server/index.js', import.meta.url)))) as ServerBuild
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

/**
 * The usual setup of a suite: a test database of `kind` and the server on it, opened in `beforeAll`
 * and closed in `afterAll`. Call it in the suite's body; read what it returns in tests and in hooks
 * registered after it (the `beforeAll` hooks run in order), never in the suite's body itself:
 *
 *     const { server, database } = useTestServer(kind, { APP_URL })
 *
 * `server` and `database` stand for the ones started: each property is read from them when used. An
 * `env` that depends on something another hook starts first (a fake Stripe's URL) can be a function,
 * called in `beforeAll`. `poolMax` sizes the database's pool (Postgres only).
 */
export function useTestServer(
  kind: DatabaseKind,
  env: SuiteEnv = {},
  options: TestServerOptions & { poolMax?: number } = {},
): { server: TestServer; database: TestDatabase } {
  const { poolMax, ...serverOptions } = options
  let database: TestDatabase | undefined
  let server: TestServer | undefined
  beforeAll(async () => {
    database = await openTestDatabase(kind, poolMax === undefined ? {} : { poolMax })
    server = await startTestServer(database, envOf(env), serverOptions)
  })
  afterAll(async () => {
    await server?.close()
    await database?.close()
  })

  const theServer = () => started(server, 'useTestServer: the server')
  const theDatabase = () => started(database, 'useTestServer: the database')
  return {
    server: {
      get url() {
        return theServer().url
      },
      get app() {
        return theServer().app
      },
      close: () => theServer().close(),
    },
    database: {
      get kind() {
        return theDatabase().kind
      },
      get db() {
        return theDatabase().db
      },
      get urls() {
        return theDatabase().urls
      },
      close: () => theDatabase().close(),
    },
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

/** A typed client as a developer would use it: bearer token, no cookies, no Origin. */
export function apiClient(url: string, token?: string, headers: Record<string, string> = {}) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${url}/api/trpc`,
        transformer: superjson,
        headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      }),
    ],
  })
}

/** The `name=value` pairs of a response's Set-Cookie headers, ready to send back. */
export function cookiesOf(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0])
    .join('; ')
}

/** Posts a form the way a browser without JavaScript does, from the app's own origin by default. */
export function postForm(
  server: { url: string },
  path: string,
  fields: Record<string, string>,
  options: { cookie?: string; origin?: string | null; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', ...options.headers }
  if (options.origin !== null) headers.origin = options.origin ?? server.url
  if (options.cookie) headers.cookie = options.cookie
  return fetch(`${server.url}${path}`, { method: 'POST', headers, body: new URLSearchParams(fields), redirect: 'manual' })
}

/** The error a typed call failed with; fails the test if the call succeeded. */
export function failureOf(promise: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail')
    },
    (error: unknown) => error as TRPCClientError<AppRouter>,
  )
}
