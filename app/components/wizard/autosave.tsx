import { useCallback, useEffect, useRef, useState } from 'react'
import type { StageId } from '../../../server/wizard/stages'

type Status = 'idle' | 'pending' | 'saving' | 'saved' | 'offline' | 'error'
type Progress = { percentage: number; stages: Record<StageId, number> }

const DEBOUNCE_MS = 700

/**
 * Saves the stage as a draft a moment after typing stops (JavaScript only; without it the buttons
 * save). The status says what really happened: a failed request is "not saved", never "saved".
 */
export function useAutosave(formId: string, stage: StageId, state: { sessionId: string }) {
  const [status, setStatus] = useState<Status>('idle')
  const [progress, setProgress] = useState<Progress | null>(null)
  const [errors, setErrors] = useState<Record<string, string[]> | null>(null)
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const latest = useRef(0)
  const writable = stage !== 'paymentSetup' && stage !== 'reviewPublish'

  const save = useCallback(async () => {
    const form = document.getElementById(formId)
    if (!(form instanceof HTMLFormElement)) return
    const request = ++latest.current
    setStatus('saving')
    try {
      const response = await fetch(`/wizard/${state.sessionId}/${stage}/autosave`, {
        method: 'POST',
        body: new FormData(form),
        headers: { accept: 'application/json' },
      })
      const body = (await response.json()) as { saved: boolean; progress?: Progress; errors?: Record<string, string[]> }
      if (request !== latest.current) return
      if (!response.ok || !body.saved) throw new Error('not saved')
      if (body.progress) setProgress(body.progress)
      setErrors(body.errors ?? {})
      setStatus('saved')
    } catch {
      if (request !== latest.current) return
      setStatus(navigator.onLine ? 'error' : 'offline')
    }
  }, [formId, stage, state.sessionId])

  const schedule = useCallback(() => {
    if (!writable) return
    clearTimeout(timer.current)
    setStatus('pending')
    timer.current = setTimeout(() => void save(), DEBOUNCE_MS)
  }, [save, writable])

  useEffect(() => () => clearTimeout(timer.current), [])
  return { status, progress, errors, schedule, retry: () => void save() }
}

const labels: Record<Status, string> = {
  idle: '',
  pending: 'Unsaved changes',
  saving: 'Saving…',
  saved: 'Saved',
  offline: 'Not saved — you are offline',
  error: 'Not saved — something went wrong',
}

export function AutosaveStatus({ status, onRetry }: { status: Status; onRetry: () => void }) {
  return (
    <p className={`save-status save-status--${status}`} role="status" aria-live="polite" data-status={status}>
      {labels[status]}
      {status === 'offline' || status === 'error' ? (
        <button type="button" className="link-button" onClick={onRetry}>
          Retry
        </button>
      ) : null}
    </p>
  )
}
