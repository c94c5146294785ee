/**
 * `npm run bench`: the wizard's hot paths against the limit Postgres itself sets, on real Postgres with
 * PGlite figures beside them. Needs `npm run build` first and a Postgres the bench may create a database
 * in (BENCH_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres); prints Markdown tables.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { drizzle } from 'drizzle-orm/pglite'
import { type Database, openDatabase } from '../../db/client'
import { migrateEmbedded } from '../../db/migrate'
import * as schema from '../../db/schema'
import { cleanupExpiredSessions } from '../../server/jobs/cleanup'
import { BENCH_SECRET, type BenchCall, cookieFor, floorCalls, getPath, tokenFor, wizardCalls } from './calls'
import { benchDatabase } from './database'
import { type LoadResult, load, type RunningServer, startServer } from './http'
import { mergeTransactionLimit, orderTransactionLimit, pgbenchVersion, seedMergeClients } from './limit'
import { saleCounts, soldOutFailures, surge } from './on-sale'
import { pageWeight } from './page-weight'
import { type Exec, seedExpired, seedGrowth, seedOnSale, seedPublishable, seedUsers } from './seed'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const WARM_UP_SECONDS = 2

const POOL_MAX = Number(process.env.BENCH_POOL_MAX ?? 20)
// The on-sale surge: this many buyers at once, attempts in all, seats of its one tier.
const SURGE_CONNECTIONS = 256
const SURGE_ATTEMPTS = 5000
const SURGE_SEATS = 1000
// pgbench's clients: as many as the server's pool holds transactions at once, and as many as this
// Postgres (max_connections 100, shared with the tests of other checkouts) admits with room to spare.
const PGBENCH_CLIENTS = [POOL_MAX, 64]
const PGBENCH_MAX_CLIENTS = 64
// Complete wizards ready to publish, for each server's runs (more than one can publish in them).
const PUBLISHED_BY_ONE_PROCESS = 5000
// BENCH_SCOPE=wizard: only the wizard's calls on Postgres against their limit (a quicker loop while
// profiling); the default runs everything.
const WIZARD_ONLY = process.env.BENCH_SCOPE === 'wizard'
const CONNECTIONS = WIZARD_ONLY ? [8, 32] : [8, 32, 128]
// Enough for every transaction of a run, so pgbench measures orders that succeed.
const PGBENCH_SEATS = 2_000_000_000
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`
const lines: string[] = []
const print = (line = '') => {
  lines.push(line)
  console.log(line)
}

async function httpSuite(label: string, server: RunningServer, calls: BenchCall[], limits?: Map<number, number>, connectionsList = CONNECTIONS) {
  const results: { name: string; connections: number; result: LoadResult; cpuMs: number; ratio?: string; rssMb: number }[] = []
  // A server that has just started runs its code cold (not yet optimised by V8): two seconds of each
  // call first, not measured, as a server in service would have had.
  for (const call of calls) await load({ ...call.request, connections: 8, seconds: WARM_UP_SECONDS })
  for (const connections of connectionsList) {
    for (const call of calls) {
      const cpuBefore = server.cpuSeconds()
      const result = await load({ ...call.request, connections, seconds: SECONDS })
      // The server's CPU per answered request: what this call costs it, whatever else runs here.
      const cpuMs = Math.round(((server.cpuSeconds() - cpuBefore) / result.total) * 1_000_000) / 1000
      const limit = call.comparedToLimit ? limits?.get(connections) : undefined
      const ratio = call.comparedToLimit ? (limit ? `${Math.round((result.requestsPerSecond / limit) * 100)}%` : 'n/a') : undefined
      results.push({ name: call.name, connections, result, cpuMs, ratio, rssMb: server.residentMemoryMb() })
    }
  }
  print(`### ${label}`)
  print()
  print(row(['call', 'connections', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'non-2xx', 'server CPU ms/request', 'of the limit', 'server RSS MB']))
  print(row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']))
  for (const { name, connections, result, cpuMs, ratio, rssMb } of results) {
    print(row([name, connections, result.requestsPerSecond, result.p50, result.p99, result.errors, result.non2xx, cpuMs.toFixed(3), ratio ?? '', rssMb]))
  }
  print()
}

async function main() {
  const { appUrl, exec, drop } = await benchDatabase()
  try {
    const users = await seedUsers(exec, Math.max(...CONNECTIONS))
    const publishable = await seedPublishable(exec, users[0]!.id, 2 * PUBLISHED_BY_ONE_PROCESS)

    print('## Postgres (127.0.0.1, this machine)')
    print()
    const limits = new Map<number, number>()
    const pgbench = await pgbenchVersion()
    if (!pgbench) throw new Error("pgbench is missing: it sets the limit (install PostgreSQL's client programs, e.g. apt-get install postgresql-client)")
    print(`The limits are Postgres's own, measured with ${pgbench} (prepared statements, 2 threads).`)
    print()
    await seedMergeClients(exec, users)
    print(row(['the limit: merge transaction via pgbench', 'clients', 'transactions/s', 'p50 ms', 'p99 ms', 'errors']))
    print(row(['---', '---:', '---:', '---:', '---:', '---:']))
    for (const connections of CONNECTIONS) {
      // Past this Postgres's connections, the largest run stands for the limit.
      const clients = Math.min(connections, PGBENCH_MAX_CLIENTS)
      const limit = limits.has(clients) ? undefined : await mergeTransactionLimit(appUrl, clients, SECONDS)
      if (limit) {
        limits.set(clients, limit.transactionsPerSecond)
        print(row(['', clients, limit.transactionsPerSecond, limit.p50, limit.p99, limit.errors]))
      }
      limits.set(connections, limits.get(clients)!)
    }
    print()

    const orderLimits = new Map<number, number>()
    if (!WIZARD_ONLY) {
      // Each run on a fresh tier, so none inherits the row versions of the one before.

      print(row(['the limit: order transaction via pgbench', 'clients', 'transactions/s', 'p50 ms', 'p99 ms', 'errors']))
      print(row(['---', '---:', '---:', '---:', '---:', '---:']))
      for (const clients of PGBENCH_CLIENTS) {
        const limit = await orderTransactionLimit(appUrl, await seedOnSale(exec, users[0]!.id, PGBENCH_SEATS), clients, SECONDS)
        orderLimits.set(clients, limit.transactionsPerSecond)
        print(row(['', clients, limit.transactionsPerSecond, limit.p50, limit.p99, limit.errors]))
      }
      print()
    }
    const server = await startServer({ DATABASE_URL: appUrl, AUTH_JWT_SECRET: BENCH_SECRET, DATABASE_POOL_MAX: String(POOL_MAX) })
    try {
      await httpSuite('Over HTTP (Postgres)', server, await wizardCalls(server, users, publishable.slice(0, PUBLISHED_BY_ONE_PROCESS)), limits)
      if (!WIZARD_ONLY) {
        const weight = await pageWeight(`${server.url}/wizard/${users[1]!.sessionId}/organizerSetup`, {
          cookie: await cookieFor(users[1]!),
        })
        print('### Page weight (stage page, gzipped)')
        print()
        print(row(['HTML KB', 'CSS KB', 'JS KB', 'JS files', 'inline checks JS KB (first focus)', 'copilot JS KB (lazy)', 'copilot CSS KB (lazy)']))
        print(row(['---:', '---:', '---:', '---:', '---:', '---:', '---:']))
        print(row([weight.htmlKb, weight.cssKb, weight.jsKb, weight.jsFiles, weight.inlineChecks.jsKb, weight.copilot.jsKb, weight.copilot.cssKb]))
        print()

        // Orders warmed up on an event of their own first, as for the calls above.
        await surge({ url: server.url, sale: await seedOnSale(exec, users[0]!.id, 1_000_000), connections: 8, seconds: WARM_UP_SECONDS })
        const sale = await seedOnSale(exec, users[0]!.id, SURGE_SEATS)
        const rush = await surge({ url: server.url, sale, connections: SURGE_CONNECTIONS, amount: SURGE_ATTEMPTS })
        const limit = orderLimits.get(POOL_MAX)!
        print(
          `### On-sale surge (Postgres): ${SURGE_ATTEMPTS.toLocaleString('en-US')} free orders of one ticket for ${SURGE_SEATS.toLocaleString('en-US')} seats`,
        )
        print()
        print(
          row([
            'connections',
            'tickets issued',
            'sold out (409)',
            'errors',
            'sold out after s',
            'orders/s',
            'answers/s',
            'p50 ms',
            'p99 ms',
            'order p50 ms',
            'order p99 ms',
            'of the limit',
            'server RSS MB',
          ]),
        )
        print(row(['---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']))
        const counts = await saleCounts(exec, sale)
        print(
          row([
            SURGE_CONNECTIONS,
            counts.tickets,
            rush.soldOut,
            rush.errors,
            rush.soldOutAfterSeconds,
            rush.ordersPerSecond,
            rush.answersPerSecond,
            rush.p50,
            rush.p99,
            rush.orderP50,
            rush.orderP99,
            `${Math.round((rush.ordersPerSecond / limit) * 100)}%`,
            server.residentMemoryMb(),
          ]),
        )
        print()
        const failures = soldOutFailures(counts, SURGE_SEATS, SURGE_ATTEMPTS, rush)
        if (failures.length > 0) throw new Error(`On-sale surge: ${failures.join('; ')}`)

        print('### Growth')
        print()
        print(row(['sessions and events of one user', 'wizard.get p50 ms', 'dashboard p50 ms', 'dashboard p99 ms']))
        print(row(['---:', '---:', '---:', '---:']))
        const grower = users[2]!
        let seeded = 0
        const token = await tokenFor(grower)
        const dashboardCookie = await cookieFor(grower)
        for (const size of [10, 1000, 100_000]) {
          await seedGrowth(exec, grower.id, seeded + 1, size)
          seeded = size
          await exec('analyze')
          const get = await load({
            url: `${server.url}${getPath(grower.sessionId)}`,
            method: 'GET',
            connections: 8,
            seconds: 3,
            perClient: () => ({ headers: { authorization: `Bearer ${token}` } }),
          })
          const dashboard = await load({
            url: `${server.url}/`,
            method: 'GET',
            connections: 8,
            seconds: 3,
            perClient: () => ({ headers: { cookie: dashboardCookie } }),
          })
          print(row([size.toLocaleString('en-US'), get.p50, dashboard.p50, dashboard.p99]))
        }
        print()
      }
    } finally {
      await server.stop()
    }

    // Two worker processes on the same two cores (shared with Postgres and the load generator).
    const workers = await startServer({ DATABASE_URL: appUrl, AUTH_JWT_SECRET: BENCH_SECRET, DATABASE_POOL_MAX: String(POOL_MAX), WEB_CONCURRENCY: '2' })
    try {
      await httpSuite(
        'Over HTTP (Postgres), WEB_CONCURRENCY=2',
        workers,
        await wizardCalls(workers, users, publishable.slice(PUBLISHED_BY_ONE_PROCESS)),
        limits,
        [32],
      )
    } finally {
      await workers.stop()
    }

    // The same layers without the app's own work (tests/bench/floor-server.ts): what no change to the
    // app can take below.
    const floor = await startServer({ DATABASE_URL: appUrl, DATABASE_POOL_MAX: String(POOL_MAX) }, ['--import', 'tsx'], 'tests/bench/floor-server.ts')
    try {
      await httpSuite('The floor: Express, tRPC and postgres.js alone (Postgres)', floor, floorCalls(floor, users), limits, [32])
    } finally {
      await floor.stop()
    }

    if (!WIZARD_ONLY) {
      await seedExpired(exec, users[3]!.id, 100_000)
      const app = await openDatabase({ kind: 'postgres', url: appUrl })
      const started = performance.now()
      const cleaned = await cleanupExpiredSessions(app.db, new Date())
      print(`Cleanup of ${cleaned?.expiredSessions.toLocaleString('en-US')} expired sessions: ${Math.round(performance.now() - started)} ms.`)
      print()
      await app.close()
    }
  } finally {
    await drop()
  }

  if (!WIZARD_ONLY) {
    // PGlite beside it: the same HTTP calls against the embedded database (one connection by nature).
    const dataDir = mkdtempSync(join(tmpdir(), 'event-wizard-bench-'))
    try {
      const pglite = await PGlite.create(join(dataDir, 'pglite'))
      await migrateEmbedded({ kind: 'pglite', db: drizzle(pglite, { schema }) as unknown as Database, close: () => pglite.close() })
      const execLocal: Exec = (text, params = []) => pglite.query(text, params)
      const users = await seedUsers(execLocal, Math.max(...CONNECTIONS))
      const publishable = await seedPublishable(execLocal, users[0]!.id, 2000)
      await pglite.close()
      const server = await startServer({ DATA_DIR: dataDir, AUTH_JWT_SECRET: BENCH_SECRET })
      try {
        print('## PGlite (embedded, same machine)')
        print()
        await httpSuite('Over HTTP (PGlite)', server, await wizardCalls(server, users, publishable))
      } finally {
        await server.stop()
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}

await main()
