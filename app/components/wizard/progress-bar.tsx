/** The wizard's overall progress, as the server computed it. */
export function ProgressBar({ percentage }: { percentage: number }) {
  return (
    <div className="progress">
      <label htmlFor="wizard-progress" className="progress__label">
        {percentage}% complete
      </label>
      <progress id="wizard-progress" max={100} value={percentage} aria-valuetext={`${percentage}% complete`}>
        {percentage}%
      </progress>
    </div>
  )
}
