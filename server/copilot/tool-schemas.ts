import { z } from 'zod'
import { stageSchemas } from '../wizard/stage-schemas'
import type { StageId } from '../wizard/stages'
import type { SuggestingStage } from './tool-names'

/**
 * The JSON Schemas the model sees for the copilot's tools, derived from the stage schemas. Zod and the
 * schemas only: the browser's suggestion cards import it too.
 */

export type JsonSchema = Record<string, unknown>

/**
 * A tool's parameters as a Standard Schema: the model sees `jsonSchema`, and nothing is checked on the
 * way. The core checks every value and answers each field by name, in the forms' words; a library's
 * check would turn a refused value into its own error instead.
 */
export function unchecked(jsonSchema: JsonSchema) {
  return {
    '~standard': {
      version: 1 as const,
      vendor: 'event-wizard',
      validate: (value: unknown) => ({ value }),
      jsonSchema: { input: () => jsonSchema, output: () => jsonSchema },
    },
  }
}

export const stageJsonSchema = (stage: StageId) => z.toJSONSchema(stageSchemas[stage], { io: 'input', target: 'draft-7' }) as JsonSchema

/** The same fields with none required, at any depth: a draft keeps whatever the organizer gave. */
export function withoutRequired(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutRequired)
  if (schema === null || typeof schema !== 'object') return schema
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key]) => key !== 'required')
      .map(([key, value]) => [key, withoutRequired(value)]),
  )
}

/** The fields the assistant may suggest at each stage: ideas, never facts such as dates or places. */
export const suggestedFields = {
  eventSetup: ['title', 'description'],
  ticketSetup: ['tiers'],
} as const satisfies Record<SuggestingStage, readonly string[]>

/** A suggestion's parameters: those fields of the stage's schema, none required (as for a draft). */
export function suggestionJsonSchema(stage: SuggestingStage): JsonSchema {
  const { properties } = stageJsonSchema(stage) as { properties: JsonSchema }
  const picked = Object.fromEntries(suggestedFields[stage].map((field) => [field, properties[field]]))
  return withoutRequired({ type: 'object', properties: picked, additionalProperties: false }) as JsonSchema
}

/**
 * What a suggestion would save: its suggested fields with a value, nothing else. A model that slips in
 * another field (a date) or a null (which would remove a stored value) gets neither past the card.
 */
export function suggestedValues(stage: SuggestingStage, args: unknown): Record<string, unknown> {
  const values = args !== null && typeof args === 'object' ? (args as Record<string, unknown>) : {}
  return Object.fromEntries(suggestedFields[stage].flatMap((field) => (values[field] === undefined || values[field] === null ? [] : [[field, values[field]]])))
}
