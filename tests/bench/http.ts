import { type ChildProcess, spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'

const root = fileURLToPath(new URL('../..', import.meta.url))

export interface RunningServer {
  url: string
  child: ChildProcess
  /** Resident memory of the server, its workers' included. */
  residentMemoryMb: () => number
  /** CPU seconds (user and system) the server has used so far, its workers' included (WEB_CONCURRENCY). */
  cpuSeconds: () => number
  stop: () => Promise<void>
}

/**
 * `npm start` (the compiled server), or another `entry` such as the floor server, as its own process (the
 * load generator must not share its event loop).
 */
export async function startServer(env: Record<string, string>, nodeArgs: string[] = [], entry = 'build/http.js'): Promise<RunningServer> {
  const child = spawn(process.execPath, [...nodeArgs, '--enable-source-maps', entry], {
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
    residentMemoryMb: () => Math.round(processTree(child.pid!).reduce((sum, pid) => sum + residentKbOf(pid), 0) / 1024),
    cpuSeconds: () => processTree(child.pid!).reduce((sum, pid) => sum + cpuSecondsOf(pid), 0),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}

// Linux counts a process's CPU time in clock ticks of 1/100 s (USER_HZ).
const TICKS_PER_SECOND = 100

/** `/proc/<pid>/stat`'s fields after the command (which may hold spaces), from field 3 (state) on. */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  } catch {
    return null
  }
}

function cpuSecondsOf(pid: number): number {
  const fields = statFields(pid)
  // utime and stime are fields 14 and 15, so 11 and 12 after the state.
  return fields ? (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND : 0
}

function residentKbOf(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)?.[1] ?? 0)
  } catch {
    return 0
  }
}

/** The process and its descendants (the cluster's workers). */
function processTree(root: number): number[] {
  const parents = new Map<number, number>()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    const parent = statFields(Number(name))?.[1]
    if (parent) parents.set(Number(name), Number(parent))
  }
  const tree = [root]
  for (let i = 0; i < tree.length; i++) for (const [pid, parent] of parents) if (parent === tree[i]) tree.push(pid)
  return tree
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
