import { TRPCError } from '@trpc/server'
import type { CheckInResult } from '../../server/orders/check-in'
import { statusByCode } from './form-errors.server'
import { dateTimeFormat } from './intl-formats'

/** What the door sees after a code: admitted, seen before (when, by whom), or refused and why. */
export type CheckInOutcome =
  | { kind: 'admitted'; code: string; holderName: string; tierName: string }
  | { kind: 'already'; code: string; holderName: string; tierName: string; at: string; atIso: string; by: string }
  | { kind: 'refused'; code: string; headline: string; message: string }

/** The core's refusals the door answers in words; anything else is the error boundary's. */
const refusals: Record<string, string> = {
  NOT_FOUND: 'Unknown code',
  CONFLICT: 'Void ticket',
  PRECONDITION_FAILED: 'Not paid',
}

/** A check-in's answer for the page, its time in the event's own zone (where the door is). */
export function admittedOutcome(result: CheckInResult, { locale, timeZone, userId }: { locale: string; timeZone: string; userId: string }): CheckInOutcome {
  const ticket = { code: result.code, holderName: result.holderName, tierName: result.tierName }
  if (result.admitted) return { kind: 'admitted', ...ticket }
  const by = result.checkedInBy
  return {
    kind: 'already',
    ...ticket,
    at: dateTimeFormat(locale, { timeZone, dateStyle: 'medium', timeStyle: 'short' }).format(result.checkedInAt),
    atIso: result.checkedInAt.toISOString(),
    by: !by ? 'an account that no longer exists' : by.userId === userId ? `you (${by.email ?? 'your account'})` : (by.email ?? 'a member of the team'),
  }
}

/** The refusal of a code as the page shows it, with the response's status; null when it is not one. */
export function refusedOutcome(error: unknown, code: string): { outcome: CheckInOutcome; status: number } | null {
  if (!(error instanceof TRPCError)) return null
  const headline = refusals[error.code]
  const status = statusByCode[error.code]
  return headline && status ? { outcome: { kind: 'refused', code, headline, message: error.message }, status } : null
}
