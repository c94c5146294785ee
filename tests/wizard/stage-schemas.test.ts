import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  EventSetupSchema,
  OrganizerSetupSchema,
  PaymentSetupSchema,
  ReviewPublishSchema,
  SponsorsMediaSchema,
  stageSchemas,
  TicketSetupSchema,
  VenueSetupSchema,
} from '../../server/wizard/stage-schemas'
import { stageIds } from '../../server/wizard/stages'
import { validStageData } from '../support/wizard-fixtures'

const NOW = new Date('2030-06-01T10:00:00Z')

describe('stage schemas', () => {
  it('has one schema per stage', () => {
    expect(Object.keys(stageSchemas)).toEqual(stageIds)
  })

  // The copilot's tool parameters are made from these: a transform, preprocess or default would throw here.
  it.each(stageIds)('%s converts to JSON Schema', (stage) => {
    const schema = z.toJSONSchema(stageSchemas[stage]) as { type: string; additionalProperties: boolean }
    expect(schema.type).toBe('object')
    expect(schema.additionalProperties).toBe(false)
  })

  it('carries the limits into JSON Schema', () => {
    // biome-ignore-start lint/suspicious/noExplicitAny: the JSON Schema is walked by property names the test knows
    const event = z.toJSONSchema(EventSetupSchema) as any
    expect(event.required).toEqual(['title', 'type', 'date', 'startTime', 'timezone'])
    expect(event.properties.title).toMatchObject({ type: 'string', minLength: 3, maxLength: 120 })
    expect(event.properties.type.enum).toEqual(['fashion_show', 'popup', 'exhibition', 'launch', 'other'])
    const tickets = z.toJSONSchema(TicketSetupSchema) as any
    // biome-ignore-end lint/suspicious/noExplicitAny: the JSON Schema is walked by property names the test knows
    expect(tickets.properties.tiers).toMatchObject({ type: 'array', minItems: 1, maxItems: 20 })
    expect(tickets.properties.tiers.items.properties.price).toMatchObject({ type: 'integer', minimum: 0, maximum: 100_000_000 })
    expect(tickets.properties.tiers.items.additionalProperties).toBe(false)
  })

  it('parses the fixtures unchanged (nothing is transformed)', () => {
    const data = validStageData(NOW)
    expect(OrganizerSetupSchema.parse(data.organizerSetup)).toEqual(data.organizerSetup)
    expect(EventSetupSchema.parse(data.eventSetup)).toEqual(data.eventSetup)
    expect(VenueSetupSchema.parse(data.venueSetup)).toEqual(data.venueSetup)
    expect(TicketSetupSchema.parse(data.ticketSetup)).toEqual(data.ticketSetup)
    expect(SponsorsMediaSchema.parse(data.sponsorsMedia)).toEqual(data.sponsorsMedia)
    expect(ReviewPublishSchema.parse({})).toEqual({})
  })

  it('accepts time zone aliases as they are (storing them canonical is the caller’s job)', () => {
    for (const timezone of ['Asia/Calcutta', 'UTC', 'Asia/Kolkata', 'America/New_York']) {
      expect(EventSetupSchema.safeParse({ ...validStageData(NOW).eventSetup, timezone }).success).toBe(true)
    }
  })

  it('accepts every event type and venue mode', () => {
    for (const type of ['fashion_show', 'popup', 'exhibition', 'launch', 'other']) {
      expect(EventSetupSchema.safeParse({ ...validStageData(NOW).eventSetup, type }).success).toBe(true)
    }
    const { venue, online } = validStageData(NOW).venueSetup
    expect(VenueSetupSchema.safeParse({ mode: 'physical', venue }).success).toBe(true)
    expect(VenueSetupSchema.safeParse({ mode: 'virtual', online }).success).toBe(true)
  })

  it('describes the server-written payment stage', () => {
    expect(PaymentSetupSchema.safeParse({ status: 'verified', accountId: 'acct_123', chargesEnabled: true, requirements: [] }).success).toBe(true)
    expect(PaymentSetupSchema.safeParse({ status: 'paid' }).success).toBe(false)
    expect(PaymentSetupSchema.safeParse({ status: 'verified', extra: 1 }).success).toBe(false)
  })

  it('refuses every key in the review stage', () => {
    expect(ReviewPublishSchema.safeParse({ publish: true }).success).toBe(false)
  })
})
