import { randomUUID } from 'node:crypto'

/** An AG-UI event as the runtime streams it. */
export type CopilotEvent = { type: string } & Record<string, unknown>

/** An AG-UI message as the browser keeps it and sends it back with the next run. */
export type CopilotMessage =
  | { id: string; role: 'user'; content: string }
  | { id: string; role: 'assistant'; content?: string; toolCalls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[] }
  | { id: string; role: 'tool'; toolCallId: string; content: string }

export interface CopilotRunResult {
  status: number
  events: CopilotEvent[]
  /** The JSON body of a refused request. */
  error?: { code: string; message: string }
}

/** Posts to /api/copilotkit the way CopilotKit's browser client does (single-route envelope). */
export async function postCopilot(server: { url: string }, envelope: Record<string, unknown>, headers: Record<string, string>): Promise<Response> {
  return fetch(`${server.url}/api/copilotkit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify(envelope),
  })
}

function parseEvents(text: string): CopilotEvent[] {
  return text
    .split('\n\n')
    .flatMap((block) => block.split('\n').filter((line) => line.startsWith('data:')))
    .map((line) => JSON.parse(line.slice(5).trim()) as CopilotEvent)
}

/** One `agent/run` of the default agent; the events of the stream, or the refusal. */
export async function runCopilot(
  server: { url: string },
  options: {
    headers: Record<string, string>
    threadId: string
    messages: CopilotMessage[]
    tools?: { name: string; description: string; parameters: Record<string, unknown> }[]
    forwardedProps?: Record<string, unknown>
    context?: { description: string; value: string }[]
  },
): Promise<CopilotRunResult> {
  const response = await postCopilot(
    server,
    {
      method: 'agent/run',
      params: { agentId: 'default' },
      body: {
        threadId: options.threadId,
        runId: randomUUID(),
        messages: options.messages,
        tools: options.tools ?? [],
        context: options.context ?? [],
        forwardedProps: options.forwardedProps ?? {},
        state: {},
      },
    },
    options.headers,
  )
  if (!(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
    const body = (await response.json()) as { error?: { code: string; message: string } }
    return { status: response.status, events: [], error: body.error }
  }
  return { status: response.status, events: parseEvents(await response.text()) }
}

/** The messages a browser holds after a run's events: assistant text and tool calls, and tool results. */
export function messagesFromEvents(events: CopilotEvent[]): CopilotMessage[] {
  const messages: CopilotMessage[] = []
  const assistant = (id: string) => {
    let message = messages.find((m) => m.id === id && m.role === 'assistant') as Extract<CopilotMessage, { role: 'assistant' }> | undefined
    if (!message) {
      message = { id, role: 'assistant' }
      messages.push(message)
    }
    return message
  }
  const calls = new Map<string, { id: string; type: 'function'; function: { name: string; arguments: string } }>()
  for (const event of events) {
    switch (event.type) {
      case 'TEXT_MESSAGE_START':
        assistant(String(event.messageId))
        break
      case 'TEXT_MESSAGE_CONTENT':
      case 'TEXT_MESSAGE_CHUNK': {
        const message = assistant(String(event.messageId))
        message.content = (message.content ?? '') + String(event.delta ?? '')
        break
      }
      case 'TOOL_CALL_START': {
        const call = { id: String(event.toolCallId), type: 'function' as const, function: { name: String(event.toolCallName), arguments: '' } }
        calls.set(call.id, call)
        const message = assistant(String(event.parentMessageId ?? randomUUID()))
        message.toolCalls = [...(message.toolCalls ?? []), call]
        break
      }
      case 'TOOL_CALL_ARGS':
        calls.get(String(event.toolCallId))!.function.arguments += String(event.delta)
        break
      case 'TOOL_CALL_RESULT':
        messages.push({ id: String(event.messageId), role: 'tool', toolCallId: String(event.toolCallId), content: String(event.content) })
        break
    }
  }
  return messages
}

/** The reply text of a run. */
export const replyOf = (events: CopilotEvent[]) =>
  events
    .filter((event) => event.type === 'TEXT_MESSAGE_CONTENT' || event.type === 'TEXT_MESSAGE_CHUNK')
    .map((event) => String(event.delta ?? ''))
    .join('')

/** Tool results of a run, parsed, by tool name. */
export function toolResultsOf(events: CopilotEvent[]): { toolName: string; result: Record<string, unknown> }[] {
  const names = new Map(events.filter((e) => e.type === 'TOOL_CALL_START').map((e) => [String(e.toolCallId), String(e.toolCallName)]))
  return events
    .filter((event) => event.type === 'TOOL_CALL_RESULT')
    .map((event) => ({ toolName: names.get(String(event.toolCallId)) ?? '?', result: JSON.parse(String(event.content)) as Record<string, unknown> }))
}

export const userMessage = (content: string): CopilotMessage => ({ id: randomUUID(), role: 'user', content })
