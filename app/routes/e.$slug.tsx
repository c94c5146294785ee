import { randomUUID } from 'node:crypto'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, data, type HeadersFunction, type LinksFunction, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { RegistrationFormSchema } from '../../server/orders/schemas'
import { EventPage, eventPageStylesheet } from '../components/event-page'
import { PublishedBanner } from '../components/published-banner'
import { RegistrationForm } from '../components/registration-form'
import { callerFor } from '../lib/caller.server'
import { eventDateFormats, pickLocale, presentEvent, sponsorsFrom, venueFrom } from '../lib/event-presentation'
import { notFoundAs404 } from '../lib/form-errors.server'
import { ownEvent } from '../lib/own-event.server'
import { itemsOf, registrationErrorReply, registrationStates, withIdempotencyKey } from '../lib/registration.server'
import { getUser } from '../lib/session.server'

export const links: LinksFunction = () => [eventPageStylesheet]

/** The page is in the visitor's locale. */
export const headers: HeadersFunction = () => ({ Vary: 'Accept-Language' })

/** A published or cancelled event, as anyone sees it; anything else (unknown, unpublished, malformed) is a 404. */
export async function loader(args: LoaderFunctionArgs) {
  const slug = args.params.slug ?? ''
  const caller = await callerFor(args)
  const event = await caller.events.bySlug({ slug }).catch(notFoundAs404)
  const locale = pickLocale(args.request.headers.get('accept-language'))
  const formats = eventDateFormats(locale, event.timezone)
  const states = registrationStates(event.tiers, (date) => formats.short.format(date))
  const presented = presentEvent(
    {
      ...event,
      venue: venueFrom(event.venue),
      sponsors: sponsorsFrom(event.sponsors),
    },
    { locale, now: args.context.app.now() },
  )
  // "Your event is live" is for whoever published it (publishing redirects here with ?published=1).
  const justPublished = new URL(args.request.url).searchParams.get('published') === '1' && (await ownEvent(caller, event.id)) !== null
  return {
    justPublished,
    // A cancelled event keeps its page so attendees and visitors learn it (it lists no tickets).
    cancelled:
      event.status === 'cancelled' ? { message: event.cancellationMessage, on: event.cancelledAt ? formats.short.format(event.cancelledAt) : null } : null,
    event: presented,
    registration: {
      tiers: presented.tiers.map((tier, index) => ({ ...tier, id: event.tiers[index]!.id, state: states[index]! })),
      // Drawn per page view: a form posted twice (double click, resubmitted page) places one order.
      nonce: randomUUID(),
      email: (await getUser(args))?.email ?? null,
    },
    url: `${args.context.app.config.APP_URL}/e/${encodeURIComponent(event.slug)}`,
  }
}

/** Registers: the order is placed through the same procedure the typed API serves, then its page opens. */
export async function action(args: ActionFunctionArgs) {
  const submission = parseWithZod(await args.request.formData(), { schema: RegistrationFormSchema })
  if (submission.status !== 'success') return data(submission.reply(), { status: 400 })
  const items = itemsOf(submission.value)
  if (items.length === 0) return data(submission.reply({ formErrors: ['Choose at least one ticket.'] }), { status: 400 })
  const resHeaders = new Headers()
  const caller = await callerFor({ request: withIdempotencyKey(args.request, submission.value.nonce), context: args.context }, resHeaders)
  try {
    const event = await caller.events.bySlug({ slug: args.params.slug ?? '' })
    const placed = await caller.orders.place({ eventId: event.id, items, buyer: submission.value.buyer })
    // The order cookie set by the procedure goes with the redirect: the order page opens without a key.
    // A paid order goes to Stripe Checkout first, which sends the buyer back to that page.
    return redirect(placed.checkoutUrl ?? `/orders/${placed.orderId}`, { headers: resHeaders })
  } catch (error) {
    return registrationErrorReply(submission, error, items)
  }
}

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return [{ title: 'Page not found · Event Wizard' }]
  const { event, url } = data
  return [
    { title: `${event.title} · Event Wizard` },
    { name: 'description', content: event.summary },
    { property: 'og:type', content: 'website' },
    { property: 'og:site_name', content: 'Event Wizard' },
    { property: 'og:title', content: event.title },
    { property: 'og:description', content: event.summary },
    { property: 'og:url', content: url },
    ...(event.coverImage
      ? [
          { property: 'og:image', content: event.coverImage.src },
          { property: 'og:image:alt', content: event.coverImage.alt },
          { name: 'twitter:card', content: 'summary_large_image' },
        ]
      : [{ name: 'twitter:card', content: 'summary' }]),
    { tagName: 'link', rel: 'canonical', href: url },
  ]
}

export default function PublicEvent() {
  const { event, registration, url, justPublished, cancelled } = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  return (
    <main className="page">
      {justPublished ? <PublishedBanner url={url} title={event.title} /> : null}
      {cancelled ? (
        <section className="card event-cancelled" aria-labelledby="cancelled-heading">
          <h2 id="cancelled-heading">This event is cancelled</h2>
          {cancelled.message ? <p className="event-cancelled__message">{cancelled.message}</p> : null}
          <p className="hint">{cancelled.on ? `Cancelled on ${cancelled.on}. ` : ''}Ticket holders are refunded where they paid, and told by e-mail.</p>
        </section>
      ) : null}
      <EventPage
        event={event}
        tickets={
          cancelled ? (
            <p className="hint">Registration is closed: the event is cancelled.</p>
          ) : registration.tiers.length > 0 ? (
            <RegistrationForm tiers={registration.tiers} nonce={registration.nonce} email={registration.email} lastResult={lastResult} />
          ) : undefined
        }
      />
    </main>
  )
}
