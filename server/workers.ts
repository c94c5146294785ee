import cluster, { type Worker } from 'node:cluster'
import type { Logger } from './logger'

/**
 * WEB_CONCURRENCY above 1: this process only supervises that many workers (`node:cluster`), each a full
 * server on the shared port, so every core serves. A worker that dies after it listened is replaced;
 * one that dies before (a start-up failure, which a replacement would repeat) stops them all with
 * exit code 1. SIGTERM or SIGINT stops every worker gracefully, then this process.
 */
export function superviseWorkers(count: number, logger: Logger): void {
  const listened = new WeakSet<Worker>()
  let stopping = false
  let exitCode = 0

  const stop = (reason: string) => {
    if (stopping) return
    stopping = true
    logger.info({ reason }, 'shutting down')
    const workers = Object.values(cluster.workers ?? {})
    if (workers.length === 0) process.exit(exitCode)
    for (const worker of workers) worker?.process.kill('SIGTERM')
  }

  cluster.on('listening', (worker) => listened.add(worker))
  cluster.on('exit', (worker, code, signal) => {
    const exited = { worker: worker.process.pid, code, signal }
    if (stopping) {
      if (code !== 0) exitCode = 1
      // Node removes an exited worker from `cluster.workers` before this event.
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        logger.info('stopped')
        process.exit(exitCode)
      }
    } else if (!listened.has(worker)) {
      logger.fatal(exited, 'a worker failed to start; stopping')
      exitCode = 1
      stop('a worker failed to start')
    } else {
      logger.error(exited, 'a worker died; starting another')
      cluster.fork()
    }
  })

  logger.info({ workers: count }, 'starting workers')
  for (let i = 0; i < count; i++) cluster.fork()
  process.once('SIGTERM', () => stop('SIGTERM'))
  process.once('SIGINT', () => stop('SIGINT'))
}
