import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'

const root = fileURLToPath(new URL('../..', import.meta.url))

export interface RunningServer {
  url: string
  child: ChildProcess
  residentMemoryMb: () => number
  stop: () => Promise<void>
}

/** `npm start` as its own process (the load generator must not share its event loop). */
export async function startServer(env: Record<string, string>): Promise<RunningServer> {
  // BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the server.
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'server/http.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      CLEANUP_INTERVAL_MINUTES: '0',
      RATE_LIMIT_AUTH_PER_IP: '1000000',
      RATE_LIMIT_MUTATIONS_PER_USER: '1000000',
      RATE_LIMIT_QUERIES_PER_CLIENT: '1000000',
      RATE_LIMIT_ORDERS_PER_IP: '1000000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = ''
    const listening = (chunk: Buffer) => {
      buffered += chunk.toString()
      const match = buffered.match(/"port":(\d+)/)
      if (!match) return
      // From here on the request logs are drained unread: keeping (and searching) them would slow
      // this process, which also generates the load, and a full pipe would block the server's writes.
      child.stdout!.off('data', listening)
      child.stdout!.resume()
      resolve(Number(match[1]))
    }
    child.stdout!.on('data', listening)
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)))
  })
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    residentMemoryMb: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
      return Math.round(Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) / 1024)
    },
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}

export interface LoadResult {
  requestsPerSecond: number
  p50: number
  p99: number
  errors: number
  non2xx: number
  total: number
  statusCodes: unknown
}

/**
 * autocannon with one client per connection; `perClient(i)` gives each its own headers and body (its
 * own user and session), and `perRequest` may vary the body of every request.
 */
export async function load(options: {
  url: string
  method: 'GET' | 'POST'
  connections: number
  /** Run for this long… */
  seconds?: number
  /** …or send exactly this many requests (every one completes before the result). */
  amount?: number
  perClient: (index: number) => { path?: string; headers: Record<string, string>; body?: string }
  perRequest?: () => string
}): Promise<LoadResult> {
  let next = 0
  const result = await autocannon({
    url: options.url,
    method: options.method,
    connections: options.connections,
    ...(options.amount ? { amount: options.amount } : { duration: options.seconds ?? 5 }),
    setupClient: (client) => {
      const { path, headers, body } = options.perClient(next++ % options.connections)
      const perRequest = options.perRequest
      client.setRequests([
        {
          method: options.method,
          path: path ?? new URL(options.url).pathname + new URL(options.url).search,
          headers,
          body,
          ...(perRequest ? { setupRequest: (request: autocannon.Request) => ({ ...request, body: perRequest() }) } : {}),
        },
      ])
    },
  })
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    total: result.requests.total,
    statusCodes: result.statusCodeStats,
  }
}
