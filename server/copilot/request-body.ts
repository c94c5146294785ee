import { readTextWithin } from '../request-body'

/** A copilot request's JSON envelope (single-route mode): which method, on which thread. */
export interface CopilotEnvelope {
  method: string
  /**
   * Every thread the request names: `agent/run` and `agent/connect` read it from the body, `agent/stop`
   * from the params. Both are returned, so a request cannot show one thread to the check and another
   * to the runtime.
   */
  threadIds: string[]
  /** The body as received, for the runtime to read again. */
  text: string
}

/** A thread's whole conversation travels with every run; this bounds what one request may hold. */
const MAX_COPILOT_BODY_BYTES = 2 * 1024 * 1024

export class BodyTooLarge extends Error {}

async function readLimited(request: Request, limit: number): Promise<string> {
  const text = await readTextWithin(request, limit)
  if (text === null) throw new BodyTooLarge()
  return text
}

const textAt = (value: unknown, key: string): string | null => {
  const field = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined
  return typeof field === 'string' ? field : null
}

/** The envelope, or null when the body is not one. */
export async function readCopilotEnvelope(request: Request): Promise<CopilotEnvelope | null> {
  const text = await readLimited(request, MAX_COPILOT_BODY_BYTES)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return null
  }
  const method = textAt(parsed, 'method')
  if (method === null) return null
  const envelope = parsed as { params?: unknown; body?: unknown }
  const named = [textAt(envelope.body, 'threadId'), textAt(envelope.params, 'threadId')].filter((id) => id !== null)
  return { method, threadIds: [...new Set(named)], text }
}
