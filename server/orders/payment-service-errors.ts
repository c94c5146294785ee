import Stripe from 'stripe'
import { DomainError } from '../errors'

/**
 * A failed Stripe call as the person who asked sees it, with what did (not) happen: Stripe down or
 * overloaded is worth a retry in a moment; Stripe refusing says why (its messages are written for
 * people: "Charge ch_… has already been refunded").
 */
export function paymentServiceError(error: unknown, outcome: string): DomainError {
  if (
    error instanceof Stripe.errors.StripeError &&
    !(
      error instanceof Stripe.errors.StripeConnectionError ||
      error instanceof Stripe.errors.StripeAPIError ||
      error instanceof Stripe.errors.StripeRateLimitError
    )
  ) {
    return new DomainError('PRECONDITION_FAILED', `The payment service refused: ${error.message} ${outcome}.`, { cause: error })
  }
  return new DomainError('SERVICE_UNAVAILABLE', `The payment service is not answering right now. ${outcome}: please try again in a moment.`, {
    retryAfterSeconds: 30,
    cause: error,
  })
}
