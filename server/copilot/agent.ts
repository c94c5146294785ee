import { BuiltInAgent } from '@copilotkit/runtime/v2'
import { copilotPrompt } from './instructions'
import type { CopilotModel } from './model'
import { endEveryRunClearly } from './model-errors'
import { browserToolsByStage } from './tool-names'
import { type WizardToolContext, wizardTools } from './tools'
import { keepToStageTools } from './unoffered-tools'

/** The assistant for one run: the current stage's tools and instructions, fixed for the whole run. */
export function wizardAgent(model: CopilotModel, context: WizardToolContext, now: Date): BuiltInAgent {
  const tools = wizardTools(context)
  const agent = new BuiltInAgent({
    model,
    tools,
    // One step per tool call and one for the reply: without it the run ends after the first tool.
    maxSteps: 5,
    prompt: copilotPrompt(context.state, now.toISOString().slice(0, 10)),
  })
  agent.use(
    keepToStageTools(
      tools.map((tool) => tool.name),
      browserToolsByStage[context.state.currentStage],
    ),
    endEveryRunClearly(context.logger),
  )
  return agent
}
