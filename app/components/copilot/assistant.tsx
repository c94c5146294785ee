import { lazy, Suspense, useEffect, useState } from 'react'
import { createPortal } from 'react-dom'
import type { WizardCopilotProps } from './wizard-copilot.client'

const WizardCopilot = lazy(() => import('./wizard-copilot.client'))

/**
 * The "Assistant" button of a stage page. It appears once JavaScript runs (the forms need none), sits in
 * the page's top bar (`slot`) so it never covers a control, and loads the copilot only when the organizer
 * opens it. Without a configured model it says so in the organizer's words; how to configure one is in
 * the README and the server's log.
 */
export function Assistant({ configured, slot, ...copilot }: WizardCopilotProps & { configured: boolean; slot: HTMLElement | null }) {
  const [hydrated, setHydrated] = useState(false)
  const [opened, setOpened] = useState(false)
  useEffect(() => setHydrated(true), [])
  if (!hydrated) return null
  if (!opened) {
    if (!slot) return null
    return createPortal(
      <button type="button" className="button button--small assistant__open" onClick={() => setOpened(true)}>
        Assistant
      </button>,
      slot,
    )
  }
  if (!configured) {
    return (
      <aside className="assistant__panel card" aria-label="Wizard assistant">
        <h2>The assistant isn’t available on this server</h2>
        <p>You can fill in every step with the form; nothing here needs the assistant.</p>
        <button type="button" className="button" onClick={() => setOpened(false)}>
          Close
        </button>
      </aside>
    )
  }
  return (
    <Suspense
      fallback={
        <p className="assistant__loading" role="status">
          Loading the assistant…
        </p>
      }
    >
      <WizardCopilot {...copilot} />
    </Suspense>
  )
}
