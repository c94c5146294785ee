/**
 * The wizard's stages in order, with their share of the overall progress.
 * This table is the only place the order and the weights are written down.
 */
export const stages = [
  { id: 'organizerSetup', weight: 10 },
  { id: 'eventSetup', weight: 20 },
  { id: 'venueSetup', weight: 15 },
  { id: 'ticketSetup', weight: 20 },
  { id: 'paymentSetup', weight: 15 },
  { id: 'sponsorsMedia', weight: 10 },
  { id: 'reviewPublish', weight: 10 },
] as const

export type StageId = (typeof stages)[number]['id']

export const stageIds = stages.map((stage) => stage.id) as [StageId, ...StageId[]]

export const firstStage: StageId = 'organizerSetup'

/** The stage `step` places after (or, negative, before) `stage`; null past either end. */
export const stageAfter = (stage: StageId, step = 1): StageId | null => stageIds[stageIds.indexOf(stage) + step] ?? null
