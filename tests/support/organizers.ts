import { sql } from 'drizzle-orm'
import postgres from 'postgres'
import { expect } from 'vitest'
import { type StageId, stageIds } from '../../server/wizard/stages'
import { randomSuffix, type TestDatabase } from './databases'
import { apiClient, cookiesOf, postForm } from './server'
import { type ValidStageData, validStageData } from './wizard-fixtures'

export const PASSWORD = 'ticket-stubs-and-velvet-2031'

export type Api = ReturnType<typeof apiClient>

/** A real account signed up through the typed API, with a client holding its token. */
export async function signUp(server: { url: string }, label: string) {
  const email = `${label}-${randomSuffix()}@example.test`
  const result = await apiClient(server.url).auth.signUp.mutate({ email, password: PASSWORD })
  if (result.confirmationRequired) throw new Error('local accounts need no confirmation')
  return { id: result.user.id, email, token: result.accessToken, api: apiClient(server.url, result.accessToken) }
}

/** The session cookie of a browser signed in through the sign-in form. */
export async function browserCookie(server: { url: string }, email: string) {
  const response = await postForm(server, '/sign-in', { email, password: PASSWORD })
  expect(response.status).toBe(302)
  return cookiesOf(response)
}

/** Valid stages whose tiers cost money: €25 and €40. */
export function paidStageData(now: Date): ValidStageData {
  const data = validStageData(now)
  data.ticketSetup.tiers = data.ticketSetup.tiers.map((tier, index) => ({ ...tier, price: index === 0 ? 2500 : 4000 }))
  return data
}

/** Every stage saved strictly and continued through the typed API, until `until` is the current stage. */
export async function fillThroughApi(api: Api, sessionId: string, until: StageId, data = validStageData(new Date())) {
  let state = await api.wizard.get.query({ sessionId })
  for (const stage of stageIds.slice(0, stageIds.indexOf(until))) {
    if (stage in data) {
      state = await api.wizard.merge.mutate({
        sessionId,
        stage,
        data: data[stage as keyof typeof data] as Record<string, unknown>,
        validate: 'strict',
      })
      expect(state.issues[stage]).toEqual([])
    }
    state = await api.wizard.transition.mutate({ sessionId, from: stage, to: stageIds[stageIds.indexOf(stage) + 1]! })
  }
  return state
}

/**
 * Runs SQL as the database's owner (PGlite's only role, or the migrating role on Postgres): for tests
 * that plant a fault the app's roles could never create.
 */
export async function asDatabaseOwner(database: TestDatabase, statements: string[]): Promise<void> {
  if (!database.urls) {
    for (const statement of statements) await database.db.execute(sql.raw(statement))
    return
  }
  const admin = postgres(database.urls.admin, { max: 1, onnotice: () => {} })
  try {
    for (const statement of statements) await admin.unsafe(statement)
  } finally {
    await admin.end()
  }
}
