import { parse, type Submission } from '@conform-to/react'
import type { StageId } from '../../../server/wizard/stages'
import { checkStageForm, errorsByField, type FormCheckContext } from '../../lib/stage-form'
import type { StageForm } from './stage-fields'

/**
 * A stage form checked in the browser exactly as the stage action reads and checks it (the server adds
 * the rules that need the clock or other stages). Loaded on demand: it carries Zod, the schemas and the
 * country and time-zone tables, a quarter of the page's JavaScript.
 */
export function validateStageForm(stage: StageId, formData: FormData, context: Omit<FormCheckContext, 'now'>): Submission<StageForm> {
  return parse(formData, {
    resolve: (payload) => {
      // The browser's clock: the server decides again with its own.
      const { issues } = checkStageForm(stage, payload, { ...context, now: new Date() })
      return issues.length > 0 ? { error: errorsByField(issues) } : { value: payload }
    },
  }) as Submission<StageForm>
}
