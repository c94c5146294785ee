import { type BaseEvent, EventType, type RunAgentInput, type RunErrorEvent } from '@ag-ui/core'
import { map, type Observable } from 'rxjs'
import type { Logger } from '../logger'

export const MODEL_FAILED = 'The assistant could not answer just now. Try again in a moment, or use the form.'

/**
 * A failed run tells the organizer in plain words and the log in full: a provider's message can name the
 * account, the model or part of the key, and is no business of the browser's.
 */
export function hideModelErrors(logger: Logger) {
  return (input: RunAgentInput, next: { run(input: RunAgentInput): Observable<BaseEvent> }): Observable<BaseEvent> =>
    next.run(input).pipe(
      map((event) => {
        if (event.type !== EventType.RUN_ERROR) return event
        logger.error({ threadId: input.threadId, runId: input.runId, reason: (event as RunErrorEvent).message }, 'copilot run failed')
        return { ...event, message: MODEL_FAILED } as RunErrorEvent
      }),
    )
}
