import type { Database } from '../../db/client'
import { type Actor } from '../../server/wizard/audit'
import { mergeStage } from '../../server/wizard/merge'
import type { WizardDeps } from '../../server/wizard/session-state'
import { type StageId, stageIds } from '../../server/wizard/stages'
import { transitionStage } from '../../server/wizard/transition'
import type { TestUser } from './fixtures'
import { validStageData } from './wizard-fixtures'

/** A clock the test moves by hand. */
export function testClock(start = '2030-01-15T12:00:00Z') {
  const clock = {
    current: new Date(start),
    now: () => clock.current,
    advance: (ms: number) => {
      clock.current = new Date(clock.current.getTime() + ms)
    },
  }
  return clock
}

export const wizardDeps = (db: Database, clock: { now: () => Date }): WizardDeps => ({ db, now: clock.now })

export const actorOf = (user: TestUser, extra: Partial<Actor> = {}): Actor => ({ claims: user.claims, source: 'api', ...extra })

/** Fills every stage with valid data and continues, stage by stage, until `until` is the current stage. */
export async function fillThrough(deps: WizardDeps, actor: Actor, sessionId: string, until: StageId) {
  const data = validStageData(deps.now())
  let state
  for (const stage of stageIds.slice(0, stageIds.indexOf(until))) {
    if (stage in data) {
      state = await mergeStage(deps, actor, {
        sessionId,
        stage,
        data: data[stage as keyof typeof data] as Record<string, unknown>,
        validate: 'strict',
      })
    }
    state = await transitionStage(deps, actor, { sessionId, from: stage, to: stageIds[stageIds.indexOf(stage) + 1]! })
  }
  return state
}
