import type { StageId } from '../wizard/stages'

/**
 * The copilot's tool names: a contract between the server's agent and the browser (which registers the
 * confirmation and suggestion cards and refreshes the form after a save). Constants only, so the client
 * bundle can import them without the server.
 */
export const stageToolNames = {
  organizerSetup: 'saveOrganizerDetails',
  eventSetup: 'saveEventDetails',
  venueSetup: 'saveVenue',
  ticketSetup: 'saveTicketTiers',
  paymentSetup: 'startPaymentOnboarding',
  sponsorsMedia: 'saveSponsorsAndMedia',
  reviewPublish: null,
} as const satisfies Record<StageId, string | null>

/** Keeps part of the current stage, missing fields and all, and reports what is still open. */
export const SAVE_DRAFT_TOOL = 'saveDraft'

/** The human-in-the-loop card: rendered in the chat, it publishes only when the organizer clicks. */
export const CONFIRM_PUBLISH_TOOL = 'confirmPublish'

/**
 * The suggestion cards, at the stages where an idea is worth having (a title, a description, ticket
 * tiers): rendered in the chat, they save only when the organizer clicks "Use this".
 */
export const suggestionToolNames = {
  eventSetup: 'suggestEventDetails',
  ticketSetup: 'suggestTicketTiers',
} as const satisfies Partial<Record<StageId, string>>

export type SuggestingStage = keyof typeof suggestionToolNames

/** Tools the browser may offer the model, by stage; any other browser tool is dropped from the run. */
export const browserToolsByStage: Record<StageId, readonly string[]> = {
  organizerSetup: [],
  eventSetup: [suggestionToolNames.eventSetup],
  venueSetup: [],
  ticketSetup: [suggestionToolNames.ticketSetup],
  paymentSetup: [],
  sponsorsMedia: [],
  reviewPublish: [CONFIRM_PUBLISH_TOOL],
}
