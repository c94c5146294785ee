import { sql } from 'drizzle-orm'
import { queryRows, type Transaction } from '../../db/client'
import type { EventStatus } from '../../db/schema'
import { DomainError, notFound } from '../errors'

/** What the event's people know of it beyond its public page. */
export interface EventOwnership {
  status: EventStatus
  /** The wizard its current content was published from. */
  sessionId: string | null
  organizationId: string | null
}

/**
 * The event as its people see it, for a change only its managers may make: its publisher and its
 * organization's owners and admins (members read, never change). Asked through RLS as the caller:
 * to anyone who is not one of its people, however public the event, it is not found (404).
 */
export async function assertMayChangeEvent(tx: Transaction, eventId: string, refusal: string): Promise<EventOwnership> {
  const [event] = await queryRows<{ status: EventStatus; session_id: string | null; organization_id: string | null; may_change: boolean }>(
    tx,
    sql`select e.status, e.session_id, e.organization_id,
               event_wizard.is_publisher_or_member(e.id, array['owner', 'admin']::text[]) as may_change
          from event_wizard.my_events e where e.id = ${eventId}`,
  )
  if (!event) throw notFound('This event')
  if (!event.may_change) throw new DomainError('FORBIDDEN', refusal)
  return { status: event.status, sessionId: event.session_id, organizationId: event.organization_id }
}
