import { parse, type Submission } from '@conform-to/react'
import { useCallback, useRef, useState } from 'react'
import type { StageId } from '../../../server/wizard/stages'
import type { FormCheckContext } from '../../lib/stage-form'
import type { StageForm } from './stage-fields'

/** Stages the organizer fills in; payment and review have no fields to check. */
const checkedStages: readonly StageId[] = ['organizerSetup', 'eventSetup', 'venueSetup', 'ticketSetup', 'sponsorsMedia']

/** Conform's name for its own intents (validate a field, add or remove a row). */
const CONFORM_INTENT = '__intent__'

/**
 * Whether a submit or a field check carries the stage's data to be judged. Only "Continue" (and Conform
 * checking a field the organizer left) is: back, skip, save draft, the stepper and adding or removing a
 * row are never blocked by inline checks, whatever the fields hold.
 */
function isChecked(formData: FormData, submitter: HTMLElement | null | undefined): boolean {
  const conformIntent = formData.get(CONFORM_INTENT)
  if (typeof conformIntent === 'string') {
    try {
      return (JSON.parse(conformIntent) as { type?: string }).type === 'validate'
    } catch {
      return false
    }
  }
  if (submitter instanceof HTMLButtonElement && submitter.formNoValidate) return false
  return formData.get('intent') === 'continue'
}

/** The form as it is, unjudged: list changes apply in the browser, other submits go to the server. */
const unchecked = (formData: FormData) => parse(formData, { resolve: (payload) => ({ value: payload }) }) as Submission<StageForm>

/**
 * Inline checks for the stage form, fetched when the organizer first focuses a field: a page that is
 * only looked at never loads Zod. Until the checks arrive, and if they cannot be fetched, the server
 * checks what is submitted, as it always does.
 */
export function useInlineValidation(stage: StageId, context: Omit<FormCheckContext, 'now'>) {
  const [validate, setValidate] = useState<((formData: FormData) => Submission<StageForm>) | null>(null)
  const requested = useRef(false)
  // The other stages as last loaded (the assistant may change them while the page is open).
  const latestContext = useRef(context)
  latestContext.current = context
  const load = useCallback(() => {
    if (!checkedStages.includes(stage) || requested.current) return
    requested.current = true
    import('./stage-validation').then(
      (module) => setValidate(() => (formData: FormData) => module.validateStageForm(stage, formData, latestContext.current)),
      () => {
        requested.current = false // a later focus tries again
      },
    )
  }, [stage])
  // Always given, loaded or not: without it Conform would post its own intents (checking a field the
  // organizer leaves, filling in the time zone) to the server as if they were the stage's submit.
  const onValidate = ({ formData, submitter }: { formData: FormData; submitter?: HTMLElement | null }) =>
    validate && isChecked(formData, submitter) ? validate(formData) : unchecked(formData)
  return { onValidate, load }
}
