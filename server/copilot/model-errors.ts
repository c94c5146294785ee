import { randomUUID } from 'node:crypto'
import { type BaseEvent, EventType, type RunAgentInput, type RunErrorEvent } from '@ag-ui/core'
import { catchError, concatMap, EMPTY, type Observable, of } from 'rxjs'
import type { Logger } from '../logger'

export const MODEL_FAILED = 'The assistant could not answer just now. Try again in a moment, or use the form.'

/** Said for the model when it declines and shows nothing itself (Anthropic's `stop_reason: "refusal"`). */
export const MODEL_DECLINED = "The assistant can't help with that request. Try asking another way, or use the form."

/**
 * Finish reasons of a model's answer that ended before it was whole: the stream stopped without the
 * provider's final event (`other`), failed (`error`) or hit the output limit (`length`). A run finished
 * without a reason was stopped by the organizer.
 */
const unfinished = new Set(['other', 'error', 'length'])

/**
 * Every run ends with a terminal event the organizer can read, and the log says why:
 * - a failed run tells the organizer in plain words and the log in full: a provider's message can name
 *   the account, the model or part of the key, and is no business of the browser's;
 * - an answer that stopped halfway (a dropped connection, a tool call cut mid-arguments) is a failed run,
 *   not a finished one: the cut call never ran, and its open lifecycle is closed so the thread stays valid;
 * - a refusal with nothing to show gets a sentence, never an empty reply;
 * - the run's own error is not passed on after its RUN_ERROR: the runtime would answer it with a second
 *   terminal event carrying the raw message.
 */
export function endEveryRunClearly(logger: Logger) {
  return (input: RunAgentInput, next: { run(input: RunAgentInput): Observable<BaseEvent> }): Observable<BaseEvent> => {
    const run = { threadId: input.threadId, runId: input.runId }
    const openToolCalls = new Set<string>()
    let shownText = false
    let ended = false

    /** The calls cut before their arguments were whole end with the run; they never ran. */
    const closeOpenToolCalls = (): BaseEvent[] => {
      const closers = [...openToolCalls].map((toolCallId): BaseEvent => ({ type: EventType.TOOL_CALL_END, toolCallId }) as BaseEvent)
      openToolCalls.clear()
      return closers
    }
    const failed = (reason: string): BaseEvent[] => {
      logger.error({ ...run, reason }, 'copilot run failed')
      ended = true
      return [...closeOpenToolCalls(), { type: EventType.RUN_ERROR, message: MODEL_FAILED } as RunErrorEvent]
    }

    return next.run(input).pipe(
      concatMap((event): BaseEvent[] => {
        if (ended) return []
        switch (event.type) {
          case EventType.TOOL_CALL_START:
            openToolCalls.add((event as BaseEvent & { toolCallId: string }).toolCallId)
            return [event]
          case EventType.TOOL_CALL_END:
            openToolCalls.delete((event as BaseEvent & { toolCallId: string }).toolCallId)
            return [event]
          case EventType.TEXT_MESSAGE_CHUNK:
          case EventType.TEXT_MESSAGE_CONTENT:
            if ((event as BaseEvent & { delta?: string }).delta) shownText = true
            return [event]
          case EventType.RUN_ERROR:
            return failed((event as RunErrorEvent).message)
          case EventType.RUN_FINISHED: {
            const finishReason = (event as BaseEvent & { finishReason?: string }).finishReason
            if (finishReason === undefined) {
              ended = true
              return [...closeOpenToolCalls(), event]
            }
            if (unfinished.has(finishReason) || openToolCalls.size > 0) {
              const open = openToolCalls.size > 0 ? ` with ${openToolCalls.size} tool call(s) unfinished` : ''
              return failed(`the model's answer ended early (finish reason: ${finishReason})${open}`)
            }
            ended = true
            if (finishReason !== 'content-filter') return [event]
            logger.warn({ ...run, shownText }, 'the model declined to answer')
            if (shownText) return [event]
            return [{ type: EventType.TEXT_MESSAGE_CHUNK, role: 'assistant', messageId: randomUUID(), delta: MODEL_DECLINED } as BaseEvent, event]
          }
          default:
            return [event]
        }
      }),
      catchError((error: unknown) => (ended ? EMPTY : of(...failed(error instanceof Error ? error.message : String(error))))),
    )
  }
}
