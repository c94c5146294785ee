import { randomUUID } from 'node:crypto'
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A stand-in for a model provider's HTTP API on 127.0.0.1, for the real `@ai-sdk/openai` (Responses
 * API, `POST /v1/responses`) and `@ai-sdk/anthropic` (`POST /v1/messages`) providers pointed here by
 * COPILOT_BASE_URL. Each request is recorded and answered by the next answer of the test's script, in
 * the provider's documented streaming format: server-sent events, `event:` and `data:` lines.
 */

export type Provider = 'openai' | 'anthropic'

export interface RecordedModelRequest {
  path: string
  headers: Record<string, string | string[] | undefined>
  body: Record<string, unknown>
  /** `Date.now()` when the request arrived: retry waits are the gaps between them. */
  at: number
}

/** How one request is answered. */
export type Answer = (response: ServerResponse) => void

export interface ProviderServer {
  /** The API's base URL, `http://127.0.0.1:PORT/v1`, for COPILOT_BASE_URL. */
  url: string
  requests: RecordedModelRequest[]
  /** Forgets the requests so far and answers the next ones with these, in order; any further request gets a 500. */
  script(...answers: Answer[]): void
  close(): Promise<void>
}

export async function startProviderServer(): Promise<ProviderServer> {
  const requests: RecordedModelRequest[] = []
  let answers: Answer[] = []
  let answered = 0
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      requests.push({ path: request.url ?? '', headers: request.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')), at: Date.now() })
      const answer = answers[answered++]
      if (!answer) {
        response.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'no answer scripted' } }))
        return
      }
      answer(response)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    script(...next) {
      answers = next
      answered = 0
      requests.length = 0
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

type Event = { event: string; data: Record<string, unknown> }

const sse = (events: Event[]) => events.map(({ event, data }) => `event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`).join('')

/**
 * How a stream stops early: the connection ends cleanly, is reset, or stays open with nothing more
 * (a provider gone quiet; it closes when the client gives up or the server closes).
 */
export type Cut = 'end' | 'destroy' | 'stall'

/** A stream of events, answered whole, or cut after the event `cut.after` picks. */
function stream(events: Event[], cut?: { after: (event: Event) => boolean; how: Cut }): Answer {
  return (response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
    if (!cut) {
      response.end(sse(events))
      return
    }
    response.write(sse(events.slice(0, events.findIndex(cut.after) + 1)))
    if (cut.how === 'stall') return
    // A moment later, so the client has read part of the tool call when the connection goes.
    setTimeout(() => (cut.how === 'destroy' ? response.destroy() : response.end()), 50)
  }
}

/** The pieces of a tool call's JSON arguments as a model streams them: a few characters at a time, split mid-token. */
function argumentPieces(input: unknown, count = 4): string[] {
  const json = JSON.stringify(input)
  const size = Math.ceil(json.length / count)
  return Array.from({ length: count }, (_, index) => json.slice(index * size, (index + 1) * size)).filter((piece) => piece.length > 0)
}

/** What the OpenAI model says when it refuses (Anthropic's refusal carries no text). */
export const REFUSAL_TEXT = "I'm sorry, I can't help with that request."

/** The answers of one provider's wire format, and how its requests carry tool results back. */
export interface Wire {
  text(text: string): Answer
  /** One tool call whose JSON arguments arrive in several deltas. */
  toolCall(toolName: string, input: unknown): Answer
  /** The model declines: OpenAI streams a refusal content part, Anthropic stops with `stop_reason: "refusal"` and no text. */
  refusal(): Answer
  /** A tool call's stream that stops halfway through its arguments. */
  cutOffToolCall(toolName: string, input: unknown, how: Cut): Answer
  /** 429 in the provider's error format, with the given headers (`retry-after`, `retry-after-ms`). */
  rateLimited(headers: Record<string, string>): Answer
  /** The tool results a request sends back to the model, by call id, with the output as sent. */
  toolResultsIn(request: RecordedModelRequest): { callId: string; output: string }[]
}

const usage = {
  input_tokens: 12,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens: 8,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: 20,
}

/** OpenAI Responses API streaming events (https://platform.openai.com/docs/api-reference/responses-streaming). */
function openaiEvents(item: Event[]): Event[] {
  const id = `resp_${randomUUID().replaceAll('-', '')}`
  const response = { id, object: 'response', created_at: Math.floor(Date.now() / 1000), model: 'gpt-4o-mini-2024-07-18', output: [] }
  let sequence = 0
  const numbered = (event: Event): Event => ({ event: event.event, data: { sequence_number: sequence++, ...event.data } })
  return [
    { event: 'response.created', data: { response: { ...response, status: 'in_progress' } } },
    { event: 'response.in_progress', data: { response: { ...response, status: 'in_progress' } } },
    ...item,
    { event: 'response.completed', data: { response: { ...response, status: 'completed', usage } } },
  ].map(numbered)
}

function openaiMessage(part: { type: 'output_text'; text: string } | { type: 'refusal'; refusal: string }): Event[] {
  const item = { id: `msg_${randomUUID().replaceAll('-', '')}`, type: 'message', role: 'assistant' }
  const at = { item_id: item.id, output_index: 0, content_index: 0 }
  const words = (part.type === 'output_text' ? part.text : part.refusal).split(/(?<= )/)
  const deltas: Event[] =
    part.type === 'output_text'
      ? [
          ...words.map((delta) => ({ event: 'response.output_text.delta', data: { ...at, delta, logprobs: [] } })),
          { event: 'response.output_text.done', data: { ...at, text: part.text, logprobs: [] } },
        ]
      : [
          ...words.map((delta) => ({ event: 'response.refusal.delta', data: { ...at, delta } })),
          { event: 'response.refusal.done', data: { ...at, refusal: part.refusal } },
        ]
  const finished = part.type === 'output_text' ? { ...part, annotations: [] } : part
  return [
    { event: 'response.output_item.added', data: { output_index: 0, item: { ...item, status: 'in_progress', content: [] } } },
    {
      event: 'response.content_part.added',
      data: { ...at, part: part.type === 'output_text' ? { type: 'output_text', text: '', annotations: [] } : { type: 'refusal', refusal: '' } },
    },
    ...deltas,
    { event: 'response.content_part.done', data: { ...at, part: finished } },
    { event: 'response.output_item.done', data: { output_index: 0, item: { ...item, status: 'completed', content: [finished] } } },
  ]
}

function openaiFunctionCall(name: string, input: unknown): Event[] {
  const item = { id: `fc_${randomUUID().replaceAll('-', '')}`, type: 'function_call', call_id: `call_${randomUUID().replaceAll('-', '')}`, name }
  const at = { item_id: item.id, output_index: 0 }
  const pieces = argumentPieces(input)
  return [
    { event: 'response.output_item.added', data: { output_index: 0, item: { ...item, arguments: '', status: 'in_progress' } } },
    ...pieces.map((delta) => ({ event: 'response.function_call_arguments.delta', data: { ...at, delta } })),
    { event: 'response.function_call_arguments.done', data: { ...at, arguments: pieces.join('') } },
    { event: 'response.output_item.done', data: { output_index: 0, item: { ...item, arguments: pieces.join(''), status: 'completed' } } },
  ]
}

const openaiWire: Wire = {
  text: (text) => stream(openaiEvents(openaiMessage({ type: 'output_text', text }))),
  toolCall: (toolName, input) => stream(openaiEvents(openaiFunctionCall(toolName, input))),
  refusal: () => stream(openaiEvents(openaiMessage({ type: 'refusal', refusal: REFUSAL_TEXT }))),
  cutOffToolCall: (toolName, input, how) => {
    const events = openaiEvents(openaiFunctionCall(toolName, input))
    const second = events.filter((event) => event.event === 'response.function_call_arguments.delta')[1]
    return stream(events, { after: (event) => event === second, how })
  },
  rateLimited: (headers) => (response) => {
    response.writeHead(429, { 'content-type': 'application/json', ...headers })
    response.end(
      JSON.stringify({
        error: {
          message: 'Rate limit reached for gpt-4o-mini in organization org-SECRET on requests per min (RPM)',
          type: 'requests',
          param: null,
          code: 'rate_limit_exceeded',
        },
      }),
    )
  },
  toolResultsIn: (request) =>
    (request.body.input as { type?: string; call_id?: string; output?: string }[])
      .filter((item) => item.type === 'function_call_output')
      .map((item) => ({ callId: String(item.call_id), output: String(item.output) })),
}

/** Anthropic Messages API streaming events (https://docs.anthropic.com/en/docs/build-with-claude/streaming). */
function anthropicEvents(block: Event[], stopReason: string): Event[] {
  const message = {
    id: `msg_${randomUUID().replaceAll('-', '')}`,
    type: 'message',
    role: 'assistant',
    content: [],
    model: 'claude-sonnet-4-5-20250929',
    stop_reason: null,
    stop_sequence: null,
    usage: { input_tokens: 12, output_tokens: 1 },
  }
  return [
    { event: 'message_start', data: { message } },
    { event: 'ping', data: {} },
    ...block,
    { event: 'message_delta', data: { delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: 8 } } },
    { event: 'message_stop', data: {} },
  ]
}

function anthropicText(text: string): Event[] {
  return [
    { event: 'content_block_start', data: { index: 0, content_block: { type: 'text', text: '' } } },
    ...text.split(/(?<= )/).map((piece) => ({ event: 'content_block_delta', data: { index: 0, delta: { type: 'text_delta', text: piece } } })),
    { event: 'content_block_stop', data: { index: 0 } },
  ]
}

function anthropicToolUse(name: string, input: unknown): Event[] {
  const id = `toolu_${randomUUID().replaceAll('-', '')}`
  // The API opens with an empty partial_json before the pieces.
  return [
    { event: 'content_block_start', data: { index: 0, content_block: { type: 'tool_use', id, name, input: {} } } },
    ...['', ...argumentPieces(input)].map((piece) => ({
      event: 'content_block_delta',
      data: { index: 0, delta: { type: 'input_json_delta', partial_json: piece } },
    })),
    { event: 'content_block_stop', data: { index: 0 } },
  ]
}

const anthropicWire: Wire = {
  text: (text) => stream(anthropicEvents(anthropicText(text), 'end_turn')),
  toolCall: (toolName, input) => stream(anthropicEvents(anthropicToolUse(toolName, input), 'tool_use')),
  refusal: () => stream(anthropicEvents([], 'refusal')),
  cutOffToolCall: (toolName, input, how) => {
    const events = anthropicEvents(anthropicToolUse(toolName, input), 'tool_use')
    const second = events.filter((event) => (event.data.delta as { partial_json?: string } | undefined)?.partial_json)[1]
    return stream(events, { after: (event) => event === second, how })
  },
  rateLimited: (headers) => (response) => {
    response.writeHead(429, { 'content-type': 'application/json', ...headers })
    response.end(
      JSON.stringify({
        type: 'error',
        error: { type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit (org SECRET)' },
      }),
    )
  },
  toolResultsIn: (request) =>
    (request.body.messages as { role: string; content: string | { type: string; tool_use_id?: string; content?: string }[] }[])
      .flatMap((message) => (message.role === 'user' && Array.isArray(message.content) ? message.content : []))
      .filter((part) => part.type === 'tool_result')
      .map((part) => ({ callId: String(part.tool_use_id), output: String(part.content) })),
}

export const wires: Record<Provider, Wire> = { openai: openaiWire, anthropic: anthropicWire }
