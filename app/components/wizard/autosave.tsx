import { useCallback, useEffect, useRef, useState } from 'react'
import { isOrganizerStage, type StageId } from '../../../server/wizard/stages'

type Status = 'idle' | 'pending' | 'saving' | 'saved' | 'savedWithProblems' | 'offline' | 'error'
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
  /** The form as it was at the last change not yet sent: what leaving the page must still save. */
  const unsent = useRef<FormData | null>(null)
  const latest = useRef(0)
  const writable = isOrganizerStage(stage)
  const url = `/wizard/${state.sessionId}/${stage}/autosave`

  const save = useCallback(async () => {
    const form = document.getElementById(formId)
    if (!(form instanceof HTMLFormElement)) return
    clearTimeout(timer.current)
    unsent.current = null
    const request = ++latest.current
    setStatus('saving')
    try {
      const response = await fetch(url, { method: 'POST', body: new FormData(form), headers: { accept: 'application/json' } })
      const body = (await response.json()) as { saved: boolean; progress?: Progress; errors?: Record<string, string[]> }
      if (request !== latest.current) return
      if (!response.ok || !body.saved) throw new Error('not saved')
      if (body.progress) setProgress(body.progress)
      const shown = body.errors ?? {}
      setErrors(shown)
      // A draft stored with problems is saved, but it is not the organizer's data as they meant it.
      setStatus(Object.keys(shown).length > 0 ? 'savedWithProblems' : 'saved')
    } catch {
      if (request !== latest.current) return
      setStatus(navigator.onLine ? 'error' : 'offline')
    }
  }, [formId, url])

  const schedule = useCallback(() => {
    if (!writable) return
    const form = document.getElementById(formId)
    if (form instanceof HTMLFormElement) unsent.current = new FormData(form)
    clearTimeout(timer.current)
    setStatus('pending')
    timer.current = setTimeout(() => void save(), DEBOUNCE_MS)
  }, [formId, save, writable])

  /**
   * Sends what is not saved yet when the organizer leaves the page (a link, another tab, closing it):
   * a keepalive request outlives the page, so a title typed just before clicking away is kept.
   */
  const flush = useCallback(() => {
    const body = unsent.current
    if (body === null) return
    clearTimeout(timer.current)
    unsent.current = null
    void fetch(url, { method: 'POST', body, headers: { accept: 'application/json' }, keepalive: true }).catch(() => {})
  }, [url])

  /** A stage submit carries the form itself: the pending draft save would only race it. */
  const cancel = useCallback(() => {
    clearTimeout(timer.current)
    unsent.current = null
  }, [])

  useEffect(() => {
    const onHidden = () => {
      if (document.visibilityState === 'hidden') flush()
    }
    window.addEventListener('pagehide', flush)
    document.addEventListener('visibilitychange', onHidden)
    return () => {
      window.removeEventListener('pagehide', flush)
      document.removeEventListener('visibilitychange', onHidden)
      clearTimeout(timer.current)
    }
  }, [flush])

  // Changes that failed to save are not left silently: the browser asks before the page goes.
  useEffect(() => {
    if (status !== 'error' && status !== 'offline') return
    const warn = (event: BeforeUnloadEvent) => event.preventDefault()
    window.addEventListener('beforeunload', warn)
    return () => window.removeEventListener('beforeunload', warn)
  }, [status])

  return { status, progress, errors, schedule, flush, cancel, retry: () => void save() }
}

const labels: Record<Status, string> = {
  idle: '',
  pending: 'Unsaved changes',
  saving: 'Saving…',
  saved: 'Saved',
  savedWithProblems: 'Draft saved — some fields need attention',
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
