import { eq } from 'drizzle-orm'
import { renderToStaticMarkup } from 'react-dom/server'
import { z } from 'zod'
import type { Transaction } from '../../db/client'
import { events, orders, organizationInvitations, organizations } from '../../db/schema'
import { accessKeyOf } from '../orders/access-keys'
import { formatAmount } from '../orders/money'
import { invitationTokenOf } from '../orgs/invitations'
import { EventCancellationEmail, eventCancellationText } from './event-cancellation'
import { EventChangedEmail, eventChangedText } from './event-changed'
import { OrderConfirmationEmail, orderConfirmationText } from './order-confirmation'
import { OrganizationInvitationEmail, organizationInvitationText } from './organization-invitation'

/** The e-mails the app sends; the worker renders each from its payload when it sends it. */
export const emailTemplates = ['order-confirmation', 'organization-invitation', 'event-cancellation', 'event-changed'] as const
export type EmailTemplate = (typeof emailTemplates)[number]

export interface RenderedEmail {
  subject: string
  text: string
  html: string
  /** The links in the e-mail without their secrets, for the log when no SMTP server is configured. */
  loggableLinks: string[]
}

export interface TemplateContext {
  appUrl: string
  accessSecret: string
  invitationSecret: string
}

const OrderPayloadSchema = z.object({ orderId: z.uuid() })
const InvitationPayloadSchema = z.object({ invitationId: z.uuid() })

/** Renders an outbox row from the data as it is now (the payload holds ids, not copies). */
export async function renderEmail(tx: Transaction, context: TemplateContext, template: string, payload: unknown): Promise<RenderedEmail> {
  if (template === 'organization-invitation') return renderInvitation(tx, context, payload)
  if (template === 'event-cancellation') return renderCancellation(tx, context, payload)
  if (template === 'event-changed') return renderChange(tx, context, payload)
  if (template !== 'order-confirmation') throw new Error(`unknown e-mail template ${template}`)
  const order = await orderAndEventOf(tx, payload)
  const { link, loggable } = orderLinks(context, order.id)
  const view = { buyerName: order.buyerName, eventTitle: order.title, when: whenOf(order.startsAt, order.timezone), link }
  return {
    subject: `Your tickets for ${order.title}`,
    text: orderConfirmationText(view),
    html: `<!doctype html>${renderToStaticMarkup(OrderConfirmationEmail(view))}`,
    loggableLinks: [loggable],
  }
}

async function renderInvitation(tx: Transaction, context: TemplateContext, payload: unknown): Promise<RenderedEmail> {
  const { invitationId } = InvitationPayloadSchema.parse(payload)
  const [invitation] = await tx
    .select({ id: organizationInvitations.id, role: organizationInvitations.role, organizationName: organizations.name })
    .from(organizationInvitations)
    .innerJoin(organizations, eq(organizations.id, organizationInvitations.organizationId))
    .where(eq(organizationInvitations.id, invitationId))
  if (!invitation) throw new Error(`invitation ${invitationId} of a queued e-mail does not exist`)
  const view = {
    organizationName: invitation.organizationName,
    role: invitation.role,
    link: `${context.appUrl}/invitations/${invitationTokenOf(context.invitationSecret, invitation.id)}`,
  }
  return {
    subject: `Join ${invitation.organizationName} on Event Wizard`,
    text: organizationInvitationText(view),
    html: `<!doctype html>${renderToStaticMarkup(OrganizationInvitationEmail(view))}`,
    loggableLinks: [`${context.appUrl}/invitations/…`],
  }
}

/** The order an event e-mail is about, with what its event says now. */
async function orderAndEventOf(tx: Transaction, payload: unknown) {
  const { orderId } = OrderPayloadSchema.parse(payload)
  const [order] = await tx
    .select({
      id: orders.id,
      buyerName: orders.buyerName,
      status: orders.status,
      total: orders.total,
      currency: orders.currency,
      title: events.title,
      startsAt: events.startsAt,
      timezone: events.timezone,
      venueMode: events.venueMode,
      venue: events.venue,
      cancellationMessage: events.cancellationMessage,
    })
    .from(orders)
    .innerJoin(events, eq(events.id, orders.eventId))
    .where(eq(orders.id, orderId))
  if (!order) throw new Error(`order ${orderId} of a queued e-mail does not exist`)
  return order
}

/** The order page's link with its access key (sent), and without it (logged). */
function orderLinks(context: TemplateContext, orderId: string) {
  const path = `${context.appUrl}/orders/${orderId}`
  return { link: `${path}?${new URLSearchParams({ key: accessKeyOf(context.accessSecret, orderId) })}`, loggable: path }
}

/** "Tuesday, March 2, 2027 at 7:00 PM (Europe/Paris)": in the event's own zone. */
const whenOf = (startsAt: Date, timezone: string) =>
  `${new Intl.DateTimeFormat('en', { dateStyle: 'full', timeStyle: 'short', timeZone: timezone }).format(startsAt)} (${timezone})`

async function renderCancellation(tx: Transaction, context: TemplateContext, payload: unknown): Promise<RenderedEmail> {
  const order = await orderAndEventOf(tx, payload)
  const { link, loggable } = orderLinks(context, order.id)
  const amount = formatAmount(order.total, order.currency, 'en')
  const view = {
    buyerName: order.buyerName,
    eventTitle: order.title,
    when: whenOf(order.startsAt, order.timezone),
    message: order.cancellationMessage ?? '',
    money: order.status === 'refunded' ? `${amount} is refunded to the card you paid with.` : 'Nothing was charged.',
    link,
  }
  return {
    subject: `Cancelled: ${order.title}`,
    text: eventCancellationText(view),
    html: `<!doctype html>${renderToStaticMarkup(EventCancellationEmail(view))}`,
    loggableLinks: [loggable],
  }
}

/** Where the event takes place now, in a line: the venue's name and address, online, or both. */
function placeOf(venueMode: string, venue: unknown): string {
  const { name, address, city } = (venue ?? {}) as { name?: string; address?: string; city?: string }
  const place = [name, address, city].filter(Boolean).join(', ')
  if (venueMode === 'virtual') return 'Online: the link to join is on your order page.'
  if (venueMode === 'hybrid') return `${place}, and online (the link to join is on your order page).`
  return place
}

async function renderChange(tx: Transaction, context: TemplateContext, payload: unknown): Promise<RenderedEmail> {
  const order = await orderAndEventOf(tx, payload)
  const { link, loggable } = orderLinks(context, order.id)
  const view = {
    buyerName: order.buyerName,
    eventTitle: order.title,
    when: whenOf(order.startsAt, order.timezone),
    where: placeOf(order.venueMode, order.venue),
    link,
  }
  return {
    subject: `Changed: ${order.title}`,
    text: eventChangedText(view),
    html: `<!doctype html>${renderToStaticMarkup(EventChangedEmail(view))}`,
    loggableLinks: [loggable],
  }
}
