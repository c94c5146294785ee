/**
 * `npm run bench:profile -- <call>`: where the server's CPU goes for one call under load. The server runs
 * with `--cpu-prof` on real Postgres; only the samples of the measured window count (V8's profile and
 * this process share the system's monotonic clock). Prints Markdown tables: self time by where the code
 * lives (the app's own folders, each package, Node's internals, the garbage collector) and the
 * heaviest functions, both as CPU ms per request. Calls: merge, get, healthz, page, publish.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BENCH_SECRET, wizardCalls } from './calls'
import { benchDatabase } from './database'
import { load, startServer } from './http'
import { seedPublishable, seedUsers } from './seed'

const root = fileURLToPath(new URL('../..', import.meta.url))
const CONNECTIONS = 32
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const callNames: Record<string, string> = {
  merge: 'wizard.merge',
  get: 'wizard.get (own session)',
  healthz: '/healthz',
  page: 'stage page (HTML)',
  publish: 'wizard.publish (fresh sessions)',
}

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  startTime: number
  samples: number[]
  timeDeltas: number[]
}

/** Where a function lives, as a reader of the table thinks of it. */
function placeOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)'
  if (url.startsWith('node:')) return url
  const path = url.startsWith('file://') ? fileURLToPath(url) : url
  const pkg = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)?.at(-1)
  if (pkg) return pkg.replace('node_modules/', '')
  const local = relative(root, path)
  if (local.startsWith('build/server')) return 'app (routes, built)'
  return local.split('/').slice(0, 2).join('/')
}

const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n)

async function main() {
  const which = process.argv[2] ?? 'merge'
  const callName = callNames[which]
  if (!callName) throw new Error(`Unknown call ${which}: one of ${Object.keys(callNames).join(', ')}`)
  const database = await benchDatabase()
  const profileDir = mkdtempSync(join(tmpdir(), 'event-wizard-profile-'))
  try {
    const users = await seedUsers(database.exec, CONNECTIONS)
    const publishable = await seedPublishable(database.exec, users[0]!.id, 4000)
    const server = await startServer({ DATABASE_URL: database.appUrl, AUTH_JWT_SECRET: BENCH_SECRET, DATABASE_POOL_MAX: '20' }, [
      '--cpu-prof',
      `--cpu-prof-dir=${profileDir}`,
    ])
    let window: { from: number; to: number; requests: number }
    try {
      const call = (await wizardCalls(server, users, publishable)).find((candidate) => candidate.name === callName)!
      await load({ ...call.request, connections: 8, seconds: 3 })
      const from = monotonicMicros()
      const result = await load({ ...call.request, connections: CONNECTIONS, seconds: SECONDS })
      window = { from, to: monotonicMicros(), requests: result.total }
      console.log(
        `${callName} at ${CONNECTIONS} connections: ${result.requestsPerSecond} req/s, p99 ${result.p99} ms, ${result.errors} errors, ${result.non2xx} non-2xx`,
      )
    } finally {
      await server.stop()
    }
    const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'))
    if (!file) throw new Error('The server wrote no profile')
    // BENCH_PROFILE_KEEP=<file> keeps the profile, e.g. for Chrome's DevTools.
    if (process.env.BENCH_PROFILE_KEEP) copyFileSync(join(profileDir, file), process.env.BENCH_PROFILE_KEEP)
    report(JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as Profile, window, callName)
  } finally {
    rmSync(profileDir, { recursive: true, force: true })
    await database.drop()
  }
}

function report(profile: Profile, window: { from: number; to: number; requests: number }, callName: string) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
  const selfMicros = new Map<number, number>()
  let time = profile.startTime
  profile.samples.forEach((id, i) => {
    time += profile.timeDeltas[i]!
    if (time < window.from || time > window.to) return
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0))
  })
  const byPlace = new Map<string, number>()
  const byFunction = new Map<string, number>()
  let busy = 0
  for (const [id, micros] of selfMicros) {
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame
    if (functionName === '(idle)') continue
    busy += micros
    const place = placeOf(url, functionName)
    byPlace.set(place, (byPlace.get(place) ?? 0) + micros)
    const name = `${functionName || '(anonymous)'} ${place}${url ? `:${lineNumber + 1}` : ''}`
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros)
  }
  const perRequest = (micros: number) => (micros / 1000 / window.requests).toFixed(3)
  const share = (micros: number) => `${Math.round((micros / busy) * 100)}%`
  console.log(`\n#### Where ${callName}'s CPU goes (self time, ${window.requests} requests): ${perRequest(busy)} ms per request\n`)
  console.log('| where | ms/request | share |\n| --- | ---: | ---: |')
  for (const [place, micros] of [...byPlace].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`| ${place} | ${perRequest(micros)} | ${share(micros)} |`)
  console.log('\n| function | ms/request | share |\n| --- | ---: | ---: |')
  for (const [name, micros] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`| ${name} | ${perRequest(micros)} | ${share(micros)} |`)
}

await main()
