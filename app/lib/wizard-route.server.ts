import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { type StageId, stageIds } from '../../server/wizard/stages'
import { callerFor } from './caller.server'
import { notFoundAs404 } from './form-errors.server'
import { requireUser } from './session.server'

export const isStage = (value: string | undefined): value is StageId => stageIds.includes(value as StageId)

export const stagePath = (sessionId: string, stage: StageId) => `/wizard/${sessionId}/${stage}`

/** The event's time zone as typed so far: the one sales windows are read in. */
export const eventZoneOf = (data: Record<string, unknown>) => {
  const eventSetup = data.eventSetup as { timezone?: unknown } | undefined
  return typeof eventSetup?.timezone === 'string' ? eventSetup.timezone : null
}

/** The signed-in caller and the wizard named in the URL; a wizard they cannot see is a 404. */
export async function loadWizard(args: LoaderFunctionArgs | ActionFunctionArgs) {
  const { stage } = args.params
  if (!isStage(stage)) throw new Response('Not found', { status: 404 })
  return { ...(await requireWizard(args)), stage }
}

/** The signed-in caller and the wizard of `:sessionId`, without a stage; a wizard they cannot see is a 404. */
export async function requireWizard(args: LoaderFunctionArgs | ActionFunctionArgs) {
  const claims = await requireUser(args)
  const caller = await callerFor(args)
  const state = await caller.wizard.get({ sessionId: args.params.sessionId ?? '' }).catch(notFoundAs404)
  return { caller, state, claims }
}
