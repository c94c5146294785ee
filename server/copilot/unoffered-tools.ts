import { randomUUID } from 'node:crypto'
import { type BaseEvent, EventType, type RunAgentInput, type ToolCallResultEvent } from '@ag-ui/core'
import { concatMap, type Observable } from 'rxjs'

/** Tools BuiltInAgent adds to every run on its own (they only echo application state). */
const agentStateTools = ['AGUISendStateSnapshot', 'AGUISendStateDelta']

const answer = (toolCallId: string, content: Record<string, unknown>): ToolCallResultEvent => ({
  type: EventType.TOOL_CALL_RESULT,
  messageId: randomUUID(),
  toolCallId,
  role: 'tool',
  content: JSON.stringify(content),
})

/**
 * An agent middleware that keeps the run to the tools the stage offers. Browser tools the stage does not
 * allow are dropped before the model sees them. A call the run did not answer (a tool that is not
 * offered, or input the SDK could not read) gets an error result: CopilotKit would otherwise keep a
 * tool call without a result in the thread, and the thread's next run would fail.
 */
export function keepToStageTools(serverTools: readonly string[], browserToolsAllowed: readonly string[]) {
  return (input: RunAgentInput, next: { run(input: RunAgentInput): Observable<BaseEvent> }): Observable<BaseEvent> => {
    const browserTools = input.tools.filter((tool) => browserToolsAllowed.includes(tool.name))
    const offered = new Set([...serverTools, ...agentStateTools, ...browserTools.map((tool) => tool.name)])
    const browserToolNames = new Set(browserTools.map((tool) => tool.name))
    const calls = new Map<string, string>()
    const answered = new Set<string>()
    return next.run({ ...input, tools: browserTools }).pipe(
      concatMap((event): BaseEvent[] => {
        switch (event.type) {
          case EventType.TOOL_CALL_START: {
            const { toolCallId, toolCallName } = event as BaseEvent & { toolCallId: string; toolCallName: string }
            calls.set(toolCallId, toolCallName)
            return [event]
          }
          case EventType.TOOL_CALL_RESULT:
            answered.add((event as ToolCallResultEvent).toolCallId)
            return [event]
          case EventType.TOOL_CALL_END: {
            const { toolCallId } = event as BaseEvent & { toolCallId: string }
            const name = calls.get(toolCallId) ?? 'This tool'
            if (offered.has(name)) return [event]
            answered.add(toolCallId)
            return [event, answer(toolCallId, { ok: false, error: `${name} is not available at this stage.` })]
          }
          case EventType.RUN_FINISHED:
          case EventType.RUN_ERROR: {
            // Browser tools are answered by the browser; any other call still open failed inside the SDK.
            const open = [...calls.keys()].filter((id) => !answered.has(id) && !browserToolNames.has(calls.get(id)!))
            open.forEach((id) => answered.add(id))
            return [...open.map((id) => answer(id, { ok: false, error: 'The call could not be read. Nothing was saved.' })), event]
          }
          default:
            return [event]
        }
      }),
    )
  }
}
