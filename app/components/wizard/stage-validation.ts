import type { Submission } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { stageSchemas } from '../../../server/wizard/stage-schemas'
import type { InlineStage } from './inline-validation'
import type { StageForm } from './stage-fields'

/**
 * A stage form checked in the browser by the same stage schema the server applies (the server adds
 * the rules that need the clock or other stages). Loaded on demand: it carries Zod, the schemas and
 * the country and time-zone tables, a quarter of the page's JavaScript.
 */
export function validateStageForm(stage: InlineStage, formData: FormData): Submission<StageForm> {
  // The pressed button's intent is not a field of the stage.
  const fieldsOnly = new FormData()
  for (const [name, value] of formData) if (name !== 'intent') fieldsOnly.append(name, value)
  return parseWithZod(fieldsOnly, { schema: stageSchemas[stage] }) as Submission<StageForm>
}
