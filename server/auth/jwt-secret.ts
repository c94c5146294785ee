import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Config } from '../config'

/**
 * The HS256 secret for local sessions. Configured, or — only for the embedded database, which is one
 * instance by nature — generated once into DATA_DIR so sessions survive restarts.
 */
export function resolveJwtSecret(config: Pick<Config, 'AUTH_JWT_SECRET' | 'DATABASE_URL' | 'DATA_DIR'>): string {
  if (config.AUTH_JWT_SECRET) return config.AUTH_JWT_SECRET
  if (config.DATABASE_URL) throw new Error('AUTH_JWT_SECRET is required when DATABASE_URL is set')
  const file = join(config.DATA_DIR, 'auth-jwt-secret')
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  mkdirSync(config.DATA_DIR, { recursive: true })
  const secret = randomBytes(48).toString('base64url')
  writeFileSync(file, secret, { mode: 0o600, flag: 'wx' })
  return secret
}
