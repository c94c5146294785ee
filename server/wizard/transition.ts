import { DomainError, prefixIssues } from '../errors'
import { type Actor, audited } from './audit'
import { evaluate, lockOpenSession, reachedStagesOf, saveChange, stageDataOf, type WizardDeps, type WizardState } from './session-state'
import { getWizard } from './sessions'
import { type StageId, stageIds } from './stages'

export interface TransitionInput {
  sessionId: string
  from: StageId
  to: StageId
}

/**
 * The state machine of docs/architecture.md. `from` must be the current stage (else CONFLICT: someone moved on). `to`
 * may be any reached or earlier stage; the next stage when `from` validates in full; or a later stage
 * when every stage before it is complete (else PRECONDITION_FAILED with what is missing).
 */
export async function transitionStage(deps: WizardDeps, actor: Actor, input: TransitionInput): Promise<WizardState> {
  return audited(
    deps.db,
    actor,
    { action: 'transition', sessionId: input.sessionId, stage: input.to, payload: { from: input.from, to: input.to } },
    async (tx, entry, withAuditRow) => {
      const now = deps.now()
      const row = await lockOpenSession(tx, input.sessionId, entry, now)
      if (row.currentStage !== input.from) {
        throw new DomainError('CONFLICT', `This wizard is at ${row.currentStage} now, not ${input.from}. Reload to continue.`)
      }
      const progress = evaluate(row, stageDataOf(row), now)
      const { issues } = progress
      const complete = (stage: StageId) => row.completedStages.includes(stage) && issues[stage].length === 0
      const fromIndex = stageIds.indexOf(input.from)
      const toIndex = stageIds.indexOf(input.to)
      const completed = new Set(row.completedStages.filter((stage) => issues[stage].length === 0))

      if (toIndex > fromIndex && !reachedStagesOf(row).includes(input.to)) {
        if (toIndex === fromIndex + 1) {
          if (issues[input.from].length > 0) {
            throw new DomainError('PRECONDITION_FAILED', `Finish ${input.from} first.`, {
              issues: prefixIssues(input.from, issues[input.from]),
            })
          }
        } else {
          const missing = stageIds.slice(0, toIndex).filter((stage) => !(complete(stage) || (stage === input.from && issues[stage].length === 0)))
          if (missing.length > 0) {
            throw new DomainError('PRECONDITION_FAILED', `Finish ${missing.join(', ')} first.`, {
              issues: missing.flatMap((stage) =>
                issues[stage].length > 0 ? prefixIssues(stage, issues[stage]) : [{ path: stage, message: 'Complete this stage first.' }],
              ),
            })
          }
        }
      }
      // Moving on from a stage that validates completes it.
      if (toIndex > fromIndex && issues[input.from].length === 0) completed.add(input.from)
      return withAuditRow(
        saveChange(tx, row, now, progress, {
          currentStage: input.to,
          completedStages: stageIds.filter((stage) => completed.has(stage)),
        }),
      )
    },
    () => getWizard(deps, actor.claims, input.sessionId),
  )
}
