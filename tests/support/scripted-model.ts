import { randomUUID } from 'node:crypto'
import { MockLanguageModelV3, simulateReadableStream } from 'ai/test'

type CallOptions = Parameters<MockLanguageModelV3['doStream']>[0]
type StreamPart = Awaited<ReturnType<MockLanguageModelV3['doStream']>>['stream'] extends ReadableStream<infer Part> ? Part : never

/** What the scripted model sees of a call: the organizer's last words and what its tools answered since. */
export interface ModelCall {
  system: string
  userText: string
  /** Tool answers since the organizer's last message, oldest first. */
  toolResults: { toolName: string; output: unknown }[]
  /** The tools the run offered the model. */
  tools: string[]
  /** The role of each message of the prompt, in order (system, user, assistant, tool). */
  roles: string[]
}

export type ModelTurn = { text: string } | { toolCalls: { toolName: string; input: unknown }[] }

const finish = (unified: 'stop' | 'tool-calls') => ({
  type: 'finish' as const,
  finishReason: { unified, raw: undefined },
  usage: {
    inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: 10, text: 10, reasoning: undefined },
  },
})

function partsOf(turn: ModelTurn): StreamPart[] {
  if ('text' in turn) {
    // A unique id per call: CopilotKit merges text parts that share one.
    const id = randomUUID()
    return [{ type: 'text-start' as const, id }, { type: 'text-delta' as const, id, delta: turn.text }, { type: 'text-end' as const, id }, finish('stop')]
  }
  return [
    ...turn.toolCalls.map((call) => ({
      type: 'tool-call' as const,
      toolCallId: `call-${randomUUID()}`,
      toolName: call.toolName,
      input: JSON.stringify(call.input),
    })),
    finish('tool-calls'),
  ]
}

const textOf = (content: unknown): string =>
  typeof content === 'string'
    ? content
    : Array.isArray(content)
      ? content.map((part: { type: string; text?: string }) => (part.type === 'text' ? (part.text ?? '') : '')).join('')
      : ''

function outputValue(output: { type: string; value: unknown }): unknown {
  if (output.type === 'json' || output.type === 'error-json') return output.value
  try {
    return JSON.parse(String(output.value))
  } catch {
    return output.value
  }
}

function callOf(options: CallOptions): ModelCall {
  const prompt = options.prompt
  const lastUser = prompt.findLastIndex((message) => message.role === 'user')
  const toolResults = prompt
    .slice(lastUser + 1)
    .flatMap((message) =>
      message.role === 'tool'
        ? message.content.flatMap((part) =>
            part.type === 'tool-result' ? [{ toolName: part.toolName, output: outputValue(part.output as { type: string; value: unknown }) }] : [],
          )
        : [],
    )
  return {
    system: prompt
      .filter((message) => message.role === 'system')
      .map((message) => textOf(message.content))
      .join('\n'),
    userText: lastUser >= 0 ? textOf(prompt[lastUser]!.content) : '',
    toolResults,
    tools: (options.tools ?? []).map((tool) => tool.name),
    roles: prompt.map((message) => message.role),
  }
}

/**
 * A language model that answers from a script, never the network: the real AI SDK and CopilotKit
 * runtime around it, a deterministic brain inside. Every call is kept for assertions.
 */
export function scriptedModel(script: (call: ModelCall) => ModelTurn) {
  const calls: ModelCall[] = []
  const model = new MockLanguageModelV3({
    doStream: async (options) => {
      const call = callOf(options)
      calls.push(call)
      return { stream: simulateReadableStream({ chunks: partsOf(script(call)) }) }
    },
  })
  return { model, calls }
}

/** The usual shape of a script: on the organizer's message make these calls, then sum up what came back. */
export function callsThenReply(onUserMessage: (call: ModelCall) => ModelTurn) {
  return (call: ModelCall): ModelTurn => (call.toolResults.length === 0 ? onUserMessage(call) : { text: `Done: ${JSON.stringify(call.toolResults)}` })
}
