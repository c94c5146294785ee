/**
 * The words the database stores and its policies and checks name: stages, event types, venue modes and
 * member roles. The domain core re-exports them; this module imports nothing, so the database layer
 * depends on no part of the app.
 */

/** The wizard's stages, in order (their weights and rules live in the core: `server/wizard/stages.ts`). */
export const stageIds = ['organizerSetup', 'eventSetup', 'venueSetup', 'ticketSetup', 'paymentSetup', 'sponsorsMedia', 'reviewPublish'] as const
export type StageId = (typeof stageIds)[number]

export const eventTypes = ['fashion_show', 'popup', 'exhibition', 'launch', 'other'] as const
export const venueModes = ['physical', 'virtual', 'hybrid'] as const

export const memberRoles = ['owner', 'admin', 'member'] as const
export type MemberRole = (typeof memberRoles)[number]
/** The roles that manage an organization's events and people. */
export const managerRoles: MemberRole[] = ['owner', 'admin']
