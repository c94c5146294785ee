import { existsSync } from 'node:fs'
import { prepareTemplateDatabase } from './databases'
import { testEnv } from './env'

/** Under CI a missing database or build is a failure, never a silently smaller test run. */
export default async function globalSetup() {
  if (testEnv.ci && !testEnv.databaseUrl) {
    throw new Error('CI=true but TEST_DATABASE_URL is not set: the database tests must also run on real Postgres')
  }
  if (!existsSync(new URL('../../build/server/index.js', import.meta.url))) {
    throw new Error('No production build: run `npm run build` first (`npm test` does it for you)')
  }
  await prepareTemplateDatabase()
}
