/**
 * Progress per stage and overall, as docs/architecture.md's "Progress" describes: a stage's share of required
 * fields that pass, 100 only when it validates in full; the overall figure weighted by stages.ts.
 */
import type { FieldIssue } from '../errors'
import { stageSchemas, venueModes } from './stage-schemas'
import { type StageId, stageIds, stages } from './stages'
import { type StageContext, stageIssues } from './validation'

/** The stage's keys that are not optional, read from its schema so the two cannot drift apart. */
function requiredKeys(stage: 'organizerSetup' | 'eventSetup' | 'ticketSetup'): string[] {
  const shape: Record<string, { def: { type: string } }> = stageSchemas[stage].shape
  return Object.keys(shape).filter((key) => shape[key]!.def.type !== 'optional')
}

/** `venue` and `online` are optional in the schema; the mode decides which of them is required. */
function venueFields(venueSetup: unknown): string[] {
  const mode = (venueSetup as { mode?: unknown } | undefined)?.mode
  if (!venueModes.includes(mode as (typeof venueModes)[number])) return ['mode']
  return ['mode', ...(mode === 'virtual' ? [] : ['venue']), ...(mode === 'physical' ? [] : ['online'])]
}

/** The fields whose issues count towards a stage's progress; `null` for the all-or-nothing stages. */
export function requiredFields(stage: StageId, context: StageContext): string[] | null {
  switch (stage) {
    case 'organizerSetup':
    case 'eventSetup':
    case 'ticketSetup':
      return requiredKeys(stage)
    case 'venueSetup':
      return venueFields(context.data.venueSetup)
    default:
      // Optional (sponsorsMedia) or not filled in by the organizer (paymentSetup, reviewPublish).
      return null
  }
}

/** 0–100: the share of required fields without an issue (a nested object or `tiers` is one field). */
export function stageProgress(stage: StageId, context: StageContext, issues: FieldIssue[]): number {
  if (issues.length === 0) return 100
  const fields = requiredFields(stage, context)
  if (fields === null || fields.length === 0) return 0
  // An issue on the stage as a whole (path '') leaves no field standing.
  if (issues.some((issue) => issue.path === '')) return 0
  const failing = new Set(issues.map((issue) => issue.path.split('.')[0]))
  const passing = fields.filter((field) => !failing.has(field)).length
  // Never 100 while an issue is left, even one on an optional field.
  return Math.min(99, Math.round((passing * 100) / fields.length))
}

/** The weighted sum of the stages' progress, with the weights of stages.ts. */
export function overallProgress(details: Record<StageId, number>): number {
  return Math.round(stages.reduce((sum, stage) => sum + (stage.weight * (details[stage.id] ?? 0)) / 100, 0))
}

export interface WizardProgress {
  details: Record<StageId, number>
  percentage: number
  issues: Record<StageId, FieldIssue[]>
  completed: StageId[]
}

/** Every stage checked against the same context: what a read or a write reports and stores. */
export function wizardProgress(context: StageContext): WizardProgress {
  const issues = {} as Record<StageId, FieldIssue[]>
  const details = {} as Record<StageId, number>
  for (const stage of stageIds) {
    issues[stage] = stageIssues(stage, context)
    details[stage] = stageProgress(stage, context, issues[stage])
  }
  // Payment has nothing to do until there are tickets to sell: it counts once they are set, so an
  // untouched wizard is at 0%, not at the payment stage's share.
  if (issues.ticketSetup.length > 0) details.paymentSetup = 0
  return {
    details,
    percentage: overallProgress(details),
    issues,
    completed: stageIds.filter((stage) => issues[stage].length === 0),
  }
}
