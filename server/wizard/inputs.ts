import { z } from 'zod'
import { storableString } from '../storable-text'
import { stageIds } from './stages'

/** The typed API's inputs for the wizard; the stage data itself is checked by the core. */
const SessionId = z.uuid({ message: 'Give the id of a wizard session.' })
const Stage = z.enum(stageIds, { message: `Use one of the stages: ${stageIds.join(', ')}.` })

export const CreateWizardInputSchema = z
  .object({
    organizationId: z.uuid({ message: 'Give the id of one of your organizations.' }).optional(),
    fresh: z.boolean().optional(),
    /** A new wizard prefilled from this event (dates and sales windows left for the organizer). */
    copyFromEventId: z.uuid({ message: 'Give the id of one of your events.' }).optional(),
    /** The edit session of this published event: opened, or resumed when one is open. */
    editEventId: z.uuid({ message: 'Give the id of one of your events.' }).optional(),
  })
  .refine((input) => !((input.copyFromEventId || input.editEventId) && input.organizationId), {
    path: ['organizationId'],
    message: 'A copy or an edit belongs where its event does: leave the organization out.',
  })
  .refine((input) => !(input.copyFromEventId && input.editEventId), {
    path: ['editEventId'],
    message: 'Either copy an event or edit it, not both.',
  })

export const SessionInputSchema = z.object({ sessionId: SessionId })

export const MergeInputSchema = z.object({
  sessionId: SessionId,
  stage: Stage,
  data: z.record(z.string(), z.unknown(), { message: "Send the stage's fields as an object." }),
  expectedVersion: z.int().positive().optional(),
  validate: z.enum(['draft', 'strict']).default('draft'),
})

export const TransitionInputSchema = z.object({ sessionId: SessionId, from: Stage, to: Stage })

export const EventSlugInputSchema = z.object({ slug: storableString().min(1).max(200) })
export const EventIdInputSchema = z.object({ eventId: z.uuid({ message: 'Give the id of an event.' }) })

/** A page of the caller's events: the newest first, at most `limit` (a dashboard never needs them all). */
export const MyEventsInputSchema = z
  .object({ limit: z.int().min(1, { message: 'Ask for at least one event.' }).max(200, { message: 'Ask for at most 200 events.' }).optional() })
  .optional()
