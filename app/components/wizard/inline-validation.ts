import type { Submission } from '@conform-to/react'
import { useCallback, useRef, useState } from 'react'
import type { StageId } from '../../../server/wizard/stages'
import type { StageForm } from './stage-fields'

/**
 * Stages whose form fields are the schema's fields as they are; the ticket form shows prices and sales
 * windows in the organizer's units, so only the server checks it (and payment and review have no fields).
 */
const inlineStages = ['organizerSetup', 'eventSetup', 'venueSetup', 'sponsorsMedia'] as const
export type InlineStage = (typeof inlineStages)[number]

const isInline = (stage: StageId): stage is InlineStage => (inlineStages as readonly StageId[]).includes(stage)

/**
 * Inline checks for the stage form, fetched when the organizer first focuses a field: a page that is
 * only looked at (or a stage without inline checks) never loads Zod. Until the checks arrive, and if
 * they cannot be fetched, the server checks what is submitted, as it always does.
 */
export function useInlineValidation(stage: StageId) {
  const [validate, setValidate] = useState<((formData: FormData) => Submission<StageForm>) | null>(null)
  const requested = useRef(false)
  const load = useCallback(() => {
    if (!isInline(stage) || requested.current) return
    requested.current = true
    import('./stage-validation').then(
      (module) => setValidate(() => (formData: FormData) => module.validateStageForm(stage, formData)),
      () => {
        requested.current = false // a later focus tries again
      },
    )
  }, [stage])
  const onValidate = validate ? ({ formData }: { formData: FormData }) => validate(formData) : undefined
  return { onValidate, load }
}
