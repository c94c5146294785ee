import { DomainError } from '../errors'
import { type Actor, audited } from './audit'
import { evaluate, lockOpenSession, reachedStagesOf, saveChange, stageDataOf, type WizardDeps, type WizardState } from './session-state'
import { getWizard } from './sessions'
import type { StageId } from './stages'
import { shapeIssues } from './validation'

export interface MergeInput {
  sessionId: string
  stage: StageId
  /** Top-level keys replace the stored ones (nested objects and arrays whole); `null` removes a key. */
  data: Record<string, unknown>
  expectedVersion?: number
  /** `draft` stores content problems and returns them; `strict` refuses them and writes nothing. */
  validate: 'draft' | 'strict'
}

/** The stored stage with the patch applied: the merge semantics of docs/architecture.md. */
export function applyPatch(stored: unknown, patch: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...(stored && typeof stored === 'object' ? stored : {}) }
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key]
    else merged[key] = value
  }
  return merged
}

/**
 * Saves part of one stage. The row is locked for the read-modify-write; every reached stage is
 * checked again (a smaller venue can invalidate tickets) and one that no longer validates leaves the
 * completed stages; progress is stored in the same transaction as the data.
 */
export async function mergeStage(deps: WizardDeps, actor: Actor, input: MergeInput): Promise<WizardState> {
  const patchIssues = shapeIssues(input.stage, Object.fromEntries(Object.entries(input.data).filter(([, v]) => v !== null)))
  if (patchIssues.length > 0) {
    throw new DomainError('BAD_REQUEST', `Some ${input.stage} fields have the wrong shape.`, { issues: patchIssues })
  }
  return audited(
    deps.db,
    actor,
    {
      action: 'merge',
      sessionId: input.sessionId,
      stage: input.stage,
      payload: { data: input.data, validate: input.validate, expectedVersion: input.expectedVersion },
    },
    async (tx, entry, withAuditRow) => {
      const now = deps.now()
      const row = await lockOpenSession(tx, input.sessionId, entry, now)
      if (input.expectedVersion !== undefined && input.expectedVersion !== row.version) {
        throw new DomainError('CONFLICT', 'This wizard changed since you loaded it. Reload to see the latest version.')
      }
      if (!reachedStagesOf(row).includes(input.stage)) {
        throw new DomainError('PRECONDITION_FAILED', 'Finish the earlier stages before filling in this one.')
      }
      const merged = applyPatch(row[input.stage], input.data)
      const mergedIssues = shapeIssues(input.stage, merged)
      if (mergedIssues.length > 0) {
        throw new DomainError('BAD_REQUEST', `The ${input.stage} stage would be too large.`, { issues: mergedIssues })
      }
      const data = { ...stageDataOf(row), [input.stage]: merged }
      const progress = evaluate(row, data, now)
      const { issues } = progress
      if (input.validate === 'strict' && issues[input.stage].length > 0) {
        throw new DomainError('BAD_REQUEST', 'Some fields need attention.', { issues: issues[input.stage] })
      }
      return withAuditRow(saveChange(tx, row, now, progress, { [input.stage]: merged }))
    },
    () => getWizard(deps, actor.claims, input.sessionId),
  )
}
