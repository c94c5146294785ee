import { type StageId, stageIds } from '../../db/vocabulary'

export { type StageId, stageIds }

/** Each stage's share of the overall progress (the order is the database's `stageIds`). */
const stageWeights: Record<StageId, number> = {
  organizerSetup: 10,
  eventSetup: 20,
  venueSetup: 15,
  ticketSetup: 20,
  paymentSetup: 15,
  sponsorsMedia: 10,
  reviewPublish: 10,
}

/** The wizard's stages in order, with their weights. */
export const stages = stageIds.map((id) => ({ id, weight: stageWeights[id] }))

/** The stage `step` places after (or, negative, before) `stage`; null past either end. */
export const stageAfter = (stage: StageId, step = 1): StageId | null => stageIds[stageIds.indexOf(stage) + step] ?? null

/** The stages whose fields the organizer fills in (payments come from Stripe, the review publishes). */
export type OrganizerStage = Exclude<StageId, 'paymentSetup' | 'reviewPublish'>

export const isOrganizerStage = (stage: StageId): stage is OrganizerStage => stage !== 'paymentSetup' && stage !== 'reviewPublish'
