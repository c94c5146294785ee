import './telemetry-off'
import type { Server } from 'node:http'
import { fileURLToPath } from 'node:url'
import type { ServerBuild } from '@remix-run/node'
import { createHttpApp } from './app'
import { createAppContext, openAppDatabase } from './app-context'
import { ConfigError, loadConfig } from './config'
import { scheduleCleanup } from './jobs/cleanup'
import { createLogger } from './logger'
import { createMailTransport } from './mail/transport'
import { scheduleMailWorker } from './mail/worker'

/** The Node server: `npm run dev` (Vite middleware, HMR) and `npm start` (the production build). */
async function main() {
  let config
  try {
    config = loadConfig(process.env)
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message)
      process.exit(1)
    }
    throw error
  }
  const logger = createLogger(config)
  const database = await openAppDatabase(config, logger)
  const app = createAppContext({ config, logger, database })

  const production = config.NODE_ENV === 'production'
  const vite = production
    ? undefined
    : await import('vite').then(({ createServer }) => createServer({ server: { middlewareMode: true } }))
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

  const stopMail =
    config.MAIL_INTERVAL_SECONDS > 0
      ? scheduleMailWorker(
          {
            db: database.db,
            now: app.now,
            logger,
            transport: createMailTransport(config),
            from: config.MAIL_FROM,
            templates: { appUrl: config.APP_URL, accessSecret: app.orders.accessSecret },
          },
          config.MAIL_INTERVAL_SECONDS * 1000,
        )
      : () => {}

  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down')
    stopCleanup()
    stopMail()
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

await main()
