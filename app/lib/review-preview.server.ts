import { eventFromValidStages } from '../../server/wizard/event-from-stages'
import type { WizardData } from '../../server/wizard/validation'
import { type PresentedEvent, presentEvent } from './event-presentation'

/**
 * The event as its public page will show it, built from the wizard's stages as publishing builds it,
 * once the stages it needs are valid (null before): the review stage's preview.
 */
export function previewOf(data: WizardData, locale: string): PresentedEvent | null {
  const built = eventFromValidStages(data)
  if (!built) return null
  return presentEvent({ ...built.event, tiers: built.tiers.filter((tier) => !tier.hidden) }, { locale })
}
