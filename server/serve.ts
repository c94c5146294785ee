import type { Server } from 'node:http'
import { fileURLToPath } from 'node:url'
import type { ServerBuild } from '@remix-run/node'
import { createHttpApp } from './app'
import { createAppContext, openAppDatabase } from './app-context'
import type { Config } from './config'
import { coreDepsOf } from './core-deps'
import { scheduleCleanup } from './jobs/cleanup'
import type { Logger } from './logger'
import { createMailTransport } from './mail/transport'
import { scheduleMailWorker } from './mail/worker'
import { scheduleOrderSweeper } from './orders/hold-sweeper'

/**
 * One full server: the database, the app, the periodic jobs, and a graceful stop on SIGTERM/SIGINT.
 * Alone, or as one of WEB_CONCURRENCY workers sharing the port: each worker schedules the cleanup,
 * which takes an advisory lock, so one runs it at a time, as across instances.
 */
export async function serve(config: Config, logger: Logger) {
  const database = await openAppDatabase(config, logger)
  const app = createAppContext({ config, logger, database })

  const production = config.NODE_ENV === 'production'
  const vite = production ? undefined : await import('vite').then(({ createServer }) => createServer({ server: { middlewareMode: true } }))
  // From the root, one level up: `server/` in development, `build/http.js` in production.
  const build = production
    ? {
        server: (await import(fileURLToPath(new URL('../build/server/index.js', import.meta.url)))) as ServerBuild,
        clientDir: fileURLToPath(new URL('../build/client', import.meta.url)),
      }
    : undefined

  const server: Server = createHttpApp({ app, build, vite }).listen(config.PORT, config.HOST, () => {
    const address = server.address()
    const port = typeof address === 'object' && address ? address.port : config.PORT
    logger.info({ port, database: database.kind, mode: config.NODE_ENV }, `listening on http://localhost:${port}`)
  })

  const stopCleanup =
    config.CLEANUP_INTERVAL_MINUTES > 0
      ? scheduleCleanup({ db: database.db, now: app.now, logger, intervalMs: config.CLEANUP_INTERVAL_MINUTES * 60_000 })
      : () => {}

  // Every worker sends: rows are claimed with SKIP LOCKED, so none is sent twice.
  const stopMail =
    config.MAIL_INTERVAL_SECONDS > 0
      ? scheduleMailWorker(
          {
            db: database.db,
            now: app.now,
            logger,
            transport: createMailTransport(config),
            from: config.MAIL_FROM,
            templates: { appUrl: config.APP_URL, accessSecret: app.orders.accessSecret, invitationSecret: app.orgs.invitationSecret },
          },
          config.MAIL_INTERVAL_SECONDS * 1000,
        )
      : () => {}

  const stopHoldSweeper =
    config.HOLD_SWEEP_INTERVAL_SECONDS > 0
      ? scheduleOrderSweeper({ deps: coreDepsOf(app), logger, intervalMs: config.HOLD_SWEEP_INTERVAL_SECONDS * 1000 })
      : () => {}

  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down')
    stopCleanup()
    stopMail()
    stopHoldSweeper()
    const force = setTimeout(() => {
      logger.warn('open connections did not finish in time; closing them')
      server.closeAllConnections()
    }, config.SHUTDOWN_TIMEOUT_MS)
    force.unref()
    server.closeIdleConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await vite?.close()
    await database.close()
    logger.info('stopped')
    process.exit(0)
  }
  process.once('SIGTERM', () => void shutdown('SIGTERM'))
  process.once('SIGINT', () => void shutdown('SIGINT'))
}
