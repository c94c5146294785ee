import type { AppLoadContext } from '@remix-run/node'
import type { AuthenticatedClaims } from '../../server/auth/identity'
import { consumePoint } from '../../server/auth/rate-limits'
import { coreDepsOf } from '../../server/core-deps'
import { DomainError } from '../../server/errors'
import { rereadConnectedAccount } from '../../server/payments/onboarding'
import type { ConnectedAccount } from '../../server/wizard/session-state'

/**
 * Reads the session's connected account again from Stripe, for the routes Stripe sends organizers
 * back to. It calls Stripe, so it counts against the user's mutation limit. It is a courtesy — the
 * webhook brings the same news — so only "no such wizard" (a 404) stops the way back.
 */
export async function rereadAccount(context: AppLoadContext, claims: AuthenticatedClaims, sessionId: string): Promise<ConnectedAccount | null> {
  try {
    await consumePoint(context.app.rateLimits.mutationsPerUser, claims.sub)
    return await rereadConnectedAccount(coreDepsOf(context.app), claims, sessionId)
  } catch (error) {
    if (error instanceof DomainError && error.code === 'NOT_FOUND') throw new Response('Not found', { status: 404 })
    if (!(error instanceof DomainError)) {
      context.app.logger.warn({ err: error, requestId: context.requestId }, 'could not read the Stripe account again')
    }
    return null
  }
}
