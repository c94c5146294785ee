import type { StageId } from '../../../server/wizard/stages'
import { stageIds } from '../../../server/wizard/stages'
import { stageTitles } from './stage-titles'

interface StepperState {
  completedStages: StageId[]
  reachedStages: StageId[]
}

/**
 * The seven stages: completed, current, or locked. A reachable stage is a submit button of the stage
 * form (so what was typed is saved on the way, with or without JavaScript); a locked one is not a
 * control at all. The server checks every move again.
 */
export function Stepper({
  form,
  current,
  state,
  progress,
}: {
  form: string
  current: StageId
  state: StepperState
  progress: { stages: Record<StageId, number> }
}) {
  const currentIndex = stageIds.indexOf(current)
  const reachable = (stage: StageId, index: number) =>
    index <= currentIndex || state.reachedStages.includes(stage) || stageIds.slice(0, index).every((before) => state.completedStages.includes(before))
  return (
    <nav className="stepper" aria-label="Wizard stages">
      <ol>
        {stageIds.map((stage, index) => {
          const status = stage === current ? 'current' : state.completedStages.includes(stage) ? 'completed' : reachable(stage, index) ? 'open' : 'locked'
          const label = (
            <>
              <span className="stepper__number" aria-hidden="true">
                {status === 'completed' ? '✓' : index + 1}
              </span>
              <span className="stepper__label">{stageTitles[stage].short}</span>
              <span className="visually-hidden">
                {status === 'completed' ? ' (completed)' : status === 'current' ? ' (current step)' : status === 'locked' ? ' (locked)' : ''}
              </span>
            </>
          )
          return (
            <li key={stage} className={`stepper__item stepper__item--${status}`} data-stage={stage} data-status={status}>
              {status === 'current' ? (
                <span className="stepper__step" aria-current="step">
                  {label}
                </span>
              ) : status === 'locked' ? (
                <span className="stepper__step" aria-disabled="true">
                  {label}
                </span>
              ) : (
                <button type="submit" className="stepper__step" form={form} name="intent" value={`goto:${stage}`} formNoValidate>
                  {label}
                </button>
              )}
              {status !== 'locked' && progress.stages[stage] < 100 && progress.stages[stage] > 0 ? (
                <span className="stepper__share">{progress.stages[stage]}%</span>
              ) : null}
            </li>
          )
        })}
      </ol>
    </nav>
  )
}
