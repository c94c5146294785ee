import { type Logger, pino } from 'pino'
import type { Config } from './config'

export type { Logger }

/** Structured JSON logs; credentials never reach them. */
export function createLogger(config: Pick<Config, 'LOG_LEVEL'>): Logger {
  return pino({
    level: config.LOG_LEVEL,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password', '*.accessToken', '*.token'],
      censor: '[redacted]',
    },
  })
}
