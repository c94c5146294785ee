import type { FormMetadata } from '@conform-to/react'
import type { FieldIssue } from '../../../server/errors'
import type { StageId } from '../../../server/wizard/stages'
import type { PresentedEvent } from '../../lib/event-presentation'
import type { StageOptions } from '../../lib/stage-options.server'
import { EventFields } from './stages/event'
import { OrganizerFields } from './stages/organizer'
import { PaymentPanel } from './stages/payment'
import { ReviewPanel } from './stages/review'
import { SponsorFields } from './stages/sponsors'
import { TicketFields } from './stages/tickets'
import { VenueFields } from './stages/venue'

/**
 * A stage form as the browser posts it: text everywhere (app/lib/stage-form.ts turns it into the
 * stage's typed data, which the stage schemas check).
 */
type Text = string | undefined
export type StageForm = {
  name?: Text
  organization?: Text
  email?: Text
  phone?: Text
  title?: Text
  type?: Text
  description?: Text
  date?: Text
  startTime?: Text
  endDate?: Text
  endTime?: Text
  timezone?: Text
  mode?: Text
  venue?: { name?: Text; address?: Text; city?: Text; country?: Text; postalCode?: Text; capacity?: Text }
  online?: { url?: Text; platform?: Text }
  /** The tickets stage's one currency, stored on every tier. */
  currency?: Text
  tiers?: {
    name?: Text
    price?: Text
    quantity?: Text
    description?: Text
    salesStart?: Text
    salesEnd?: Text
    minPerOrder?: Text
    maxPerOrder?: Text
    hidden?: Text
    id?: Text
  }[]
  totalCapacity?: Text
  coverImageUrl?: Text
  sponsors?: { name?: Text; url?: Text; logoUrl?: Text; level?: Text }[]
  /** The review stage's "go public now" checkbox. */
  confirm?: Text
}

export interface StageFieldsProps {
  form: FormMetadata<StageForm>
  fields: ReturnType<FormMetadata<StageForm>['getFieldset']>
  state: {
    sessionId: string
    paymentStatus: 'not_required' | 'not_connected' | 'pending' | 'verified'
    issues: Record<StageId, FieldIssue[]>
    data: { paymentSetup?: unknown }
    /** Set in an edit session: the live event that publishing changes. */
    editsEventId: string | null
  }
  options: StageOptions
  /** Whether this server has Stripe keys (the payment stage says so when it has none). */
  paymentsConfigured?: boolean
  /** The review stage's preview of the public page. */
  preview?: PresentedEvent | null
  /** For a field the page fills in itself (the browser's time zone): save it as if typed. */
  onFilledIn?: () => void
}

const stageComponents: Record<StageId, (props: StageFieldsProps) => JSX.Element> = {
  organizerSetup: OrganizerFields,
  eventSetup: EventFields,
  venueSetup: VenueFields,
  ticketSetup: TicketFields,
  paymentSetup: PaymentPanel,
  sponsorsMedia: SponsorFields,
  reviewPublish: ReviewPanel,
}

export function StageFields({ stage, ...props }: StageFieldsProps & { stage: StageId }) {
  const Component = stageComponents[stage]
  return <Component {...props} />
}
