import './telemetry-off'
import cluster from 'node:cluster'
import { ConfigError, loadConfig } from './config'
import { createLogger } from './logger'
import { serve } from './serve'
import { superviseWorkers } from './workers'

/**
 * The Node server: `npm run dev` (Vite middleware, HMR) and `npm start` (the production build). With
 * WEB_CONCURRENCY above 1 this process supervises that many workers, each running `serve`.
 */
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
  if (cluster.isPrimary && config.WEB_CONCURRENCY > 1) superviseWorkers(config.WEB_CONCURRENCY, logger)
  else await serve(config, logger)
}

await main()
