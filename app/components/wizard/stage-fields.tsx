import type { FormMetadata } from '@conform-to/react'
import type { FieldIssue } from '../../../server/errors'
import type { StageData } from '../../../server/wizard/stage-schemas'
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

/** Every field of a stage's data as the browser posts it: text, in the same nesting. */
type Text = string | undefined
type AsText<T> = T extends readonly (infer Item)[] ? AsText<Item>[] : T extends object ? { [K in keyof T]?: AsText<Exclude<T[K], undefined>> } : Text

type TicketSetup = StageData['ticketSetup']

/**
 * A stage form as the browser posts it, derived from the stage schemas (app/lib/stage-form.ts turns
 * it back into the stage's typed data). The tickets stage asks for its one currency once, for every
 * tier; the review stage adds its "go public now" checkbox.
 */
export type StageForm = AsText<
  StageData['organizerSetup'] &
    StageData['eventSetup'] &
    StageData['venueSetup'] &
    Omit<TicketSetup, 'tiers'> & { tiers: Omit<TicketSetup['tiers'][number], 'currency'>[] } & StageData['sponsorsMedia'] & {
      currency: string
      confirm: string
    }
>

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
