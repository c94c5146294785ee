import { createAnthropic } from '@ai-sdk/anthropic'
import { createGroq } from '@ai-sdk/groq'
import { createOpenAI } from '@ai-sdk/openai'
import { createOpenAICompatible } from '@ai-sdk/openai-compatible'
import type { LanguageModel } from 'ai'
import type { Config } from '../config'

export type CopilotModel = Exclude<LanguageModel, string>

/** The copilot's model from config, or null when none is configured (the forms work without it). */
export function copilotModelOf(config: Config): CopilotModel | null {
  const { COPILOT_PROVIDER: provider, COPILOT_MODEL: model, COPILOT_API_KEY: apiKey, COPILOT_BASE_URL: baseURL } = config
  if (!provider || !model) return null
  switch (provider) {
    case 'openai':
      return createOpenAI({ apiKey, baseURL })(model)
    case 'anthropic':
      return createAnthropic({ apiKey, baseURL })(model)
    case 'groq':
      return createGroq({ apiKey, baseURL })(model)
    case 'openai-compatible':
      // Chat completions: what Ollama, vLLM and most local servers speak.
      return createOpenAICompatible({ name: 'openai-compatible', apiKey, baseURL: baseURL! })(model)
  }
}

/** What the assistant and the route tell an organizer when no model is configured. */
export const COPILOT_NOT_CONFIGURED =
  'The assistant is not configured on this server. Set COPILOT_PROVIDER (openai, anthropic, groq or openai-compatible), COPILOT_MODEL and COPILOT_API_KEY (or COPILOT_BASE_URL for a local model) and restart. The forms work without it.'
