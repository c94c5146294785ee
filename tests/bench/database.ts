import { randomUUID } from 'node:crypto'
import postgres from 'postgres'
import { migratePostgresUrl } from '../../db/migrate'
import type { Exec } from './seed'

const adminBase = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

const withDatabase = (url: string, name: string, user?: string) => {
  const parsed = new URL(url)
  parsed.pathname = `/${name}`
  if (user) {
    parsed.username = user
    parsed.password = ''
  }
  return parsed.toString()
}

/**
 * A fresh, migrated database on the machine's Postgres (BENCH_ADMIN_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres): the app's URL (its own role, under RLS), `exec` as the
 * migrating role for seeding, and `drop` to remove it all.
 */
export async function benchDatabase() {
  const name = `event_wizard_bench_${randomUUID().slice(0, 8)}`
  const admin = postgres(adminBase, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  await admin.end()
  const adminUrl = withDatabase(adminBase, name)
  await migratePostgresUrl(adminUrl)
  const seedSql = postgres(adminUrl, { max: 4, onnotice: () => {} })
  const exec: Exec = (text, params = []) => seedSql.unsafe(text, params as never[])
  return {
    appUrl: withDatabase(adminBase, name, 'event_wizard_app'),
    exec,
    drop: async () => {
      await seedSql.end()
      const drop = postgres(adminBase, { max: 1, onnotice: () => {} })
      await drop.unsafe(`drop database if exists ${name} with (force)`)
      await drop.end()
    },
  }
}
