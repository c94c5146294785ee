import { parse } from '@conform-to/react'
import type { ActionFunctionArgs } from '@remix-run/node'
import { isOrganizerStage } from '../../server/wizard/stages'
import { refusalOrThrow } from '../lib/form-errors.server'
import { errorsByField, formToPatch, issuesOfEnteredFields } from '../lib/stage-form'
import { eventZoneOf, loadWizard } from '../lib/wizard-route.server'

/**
 * Autosave (JavaScript only): a draft merge of the stage form as typed so far, answered as JSON so the
 * page can tell the truth about saving and show the server's progress and issues.
 */
export async function action(args: ActionFunctionArgs) {
  const { caller, state, stage } = await loadWizard(args)
  if (stage !== state.currentStage || !isOrganizerStage(stage)) {
    return Response.json({ saved: false, reason: 'This stage is not open for changes.' }, { status: 409 })
  }
  const submission = parse(await args.request.formData(), { resolve: (payload) => ({ value: payload }) })
  const { patch, issues } = formToPatch(stage, submission.payload, eventZoneOf({ ...state.data, [stage]: submission.payload }))
  try {
    const saved = await caller.wizard.merge({ sessionId: state.sessionId, stage, data: patch, validate: 'draft' })
    const shown = issuesOfEnteredFields([...issues, ...saved.issues[stage]], submission.payload)
    return Response.json({ saved: true, version: saved.version, progress: saved.progress, errors: errorsByField(shown) })
  } catch (error) {
    const { message, status, headers } = refusalOrThrow(error)
    return Response.json({ saved: false, reason: message }, { status, headers })
  }
}
