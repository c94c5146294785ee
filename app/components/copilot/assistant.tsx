import { lazy, Suspense, useEffect, useState } from 'react'
import type { WizardCopilotProps } from './wizard-copilot.client'

const WizardCopilot = lazy(() => import('./wizard-copilot.client'))

/**
 * The "Assistant" button of a stage page. It appears once JavaScript runs (the forms need none), and
 * loads the copilot only when the organizer opens it. Without a configured model it says how to set one up.
 */
export function Assistant({ configured, ...copilot }: WizardCopilotProps & { configured: boolean }) {
  const [hydrated, setHydrated] = useState(false)
  const [opened, setOpened] = useState(false)
  useEffect(() => setHydrated(true), [])
  if (!hydrated) return null
  if (!opened) {
    return (
      <button type="button" className="button assistant__open" onClick={() => setOpened(true)}>
        Assistant
      </button>
    )
  }
  if (!configured) {
    return (
      <aside className="assistant__panel card" aria-label="Wizard assistant">
        <h2>The assistant is not set up</h2>
        <p>
          This server has no language model configured. Set <code>COPILOT_PROVIDER</code> (openai, anthropic, groq or
          openai-compatible), <code>COPILOT_MODEL</code> and <code>COPILOT_API_KEY</code> — or <code>COPILOT_BASE_URL</code> for a
          local model such as Ollama — and restart the server. The forms work without it.
        </p>
        <button type="button" className="button" onClick={() => setOpened(false)}>
          Close
        </button>
      </aside>
    )
  }
  return (
    <Suspense fallback={<p className="assistant__loading" role="status">Loading the assistant…</p>}>
      <WizardCopilot {...copilot} />
    </Suspense>
  )
}
