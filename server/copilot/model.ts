import { createAnthropic } from '@ai-sdk/anthropic'
import { createGroq } from '@ai-sdk/groq'
import { createOpenAI } from '@ai-sdk/openai'
import { createOpenAICompatible } from '@ai-sdk/openai-compatible'
import type { LanguageModel } from 'ai'
import type { Config } from '../config'

export type CopilotModel = Exclude<LanguageModel, string>

/** The longest wait between tries a provider may ask for before the chat stops honoring it. */
export const MAX_RETRY_WAIT_MS = 10_000

/** The wait a refusal asks for in `retry-after-ms` or `retry-after` (seconds or an HTTP date), read as the AI SDK reads it. */
function askedWaitMs(headers: Headers): number | null {
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '')
  if (!Number.isNaN(ms)) return ms
  const retryAfter = headers.get('retry-after')
  if (!retryAfter) return null
  const seconds = Number.parseFloat(retryAfter)
  return Number.isNaN(seconds) ? Date.parse(retryAfter) - Date.now() : seconds * 1000
}

/**
 * The providers' fetch, with long retry waits dropped. The AI SDK retries a 429 or 5xx twice, honoring
 * a wait under a minute: two such waits would hold the organizer's spinner for up to two minutes.
 * Without the header the SDK falls back to its own short backoff (2 s, then 4 s), so the run ends
 * within seconds, in plain words, and the organizer can try again.
 */
const fetchWithShortRetryWaits: typeof fetch = async (input, init) => {
  const response = await fetch(input, init)
  const wait = askedWaitMs(response.headers)
  if (response.ok || wait === null || wait <= MAX_RETRY_WAIT_MS) return response
  const headers = new Headers(response.headers)
  headers.delete('retry-after-ms')
  headers.delete('retry-after')
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers })
}

/** The copilot's model from config, or null when none is configured (the forms work without it). */
export function copilotModelOf(config: Config): CopilotModel | null {
  const { COPILOT_PROVIDER: provider, COPILOT_MODEL: model, COPILOT_API_KEY: apiKey, COPILOT_BASE_URL: baseURL } = config
  if (!provider || !model) return null
  switch (provider) {
    case 'openai':
      return createOpenAI({ apiKey, baseURL, fetch: fetchWithShortRetryWaits })(model)
    case 'anthropic':
      return createAnthropic({ apiKey, baseURL, fetch: fetchWithShortRetryWaits })(model)
    case 'groq':
      return createGroq({ apiKey, baseURL, fetch: fetchWithShortRetryWaits })(model)
    case 'openai-compatible':
      // Chat completions: what Ollama, vLLM and most local servers speak.
      return createOpenAICompatible({ name: 'openai-compatible', apiKey, baseURL: baseURL!, fetch: fetchWithShortRetryWaits })(model)
  }
}

/** What the assistant and the route tell an organizer when no model is configured. */
export const COPILOT_NOT_CONFIGURED =
  'The assistant is not configured on this server. Set COPILOT_PROVIDER (openai, anthropic, groq or openai-compatible), COPILOT_MODEL and COPILOT_API_KEY (or COPILOT_BASE_URL for a local model) and restart. The forms work without it.'
