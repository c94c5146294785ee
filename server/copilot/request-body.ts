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
  if (Number(request.headers.get('content-length') ?? 0) > limit) throw new BodyTooLarge()
  if (!request.body) return ''
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel()
      throw new BodyTooLarge()
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
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
