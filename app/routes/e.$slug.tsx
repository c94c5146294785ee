import type { HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { TRPCError } from '@trpc/server'
import { EventPage, eventPageStylesheet } from '../components/event-page'
import { PublishedBanner } from '../components/published-banner'
import { pickLocale, presentEvent, sponsorsFrom, venueFrom } from '../lib/event-presentation'
import { callerFor } from '../lib/caller.server'

export const links: LinksFunction = () => [eventPageStylesheet]

/** The page is in the visitor's locale. */
export const headers: HeadersFunction = () => ({ Vary: 'Accept-Language' })

/** A published event, as anyone sees it; anything else (unknown, unpublished, malformed) is a 404. */
export async function loader(args: LoaderFunctionArgs) {
  const slug = args.params.slug ?? ''
  const caller = await callerFor(args)
  const event = await caller.events.bySlug({ slug }).catch((error: unknown) => {
    if (error instanceof TRPCError && (error.code === 'NOT_FOUND' || error.code === 'BAD_REQUEST')) {
      throw new Response('Not found', { status: 404 })
    }
    throw error
  })
  const locale = pickLocale(args.request.headers.get('accept-language'))
  // "Your event is live" is for whoever published it (publishing redirects here with ?published=1).
  const justPublished =
    new URL(args.request.url).searchParams.get('published') === '1' &&
    (await caller.events.mine().then((mine) => mine.some((own) => own.id === event.id)).catch(() => false))
  return {
    justPublished,
    event: presentEvent(
      {
        ...event,
        venue: venueFrom(event.venue),
        sponsors: sponsorsFrom(event.sponsors),
      },
      { locale, now: args.context.app.now() },
    ),
    url: `${args.context.app.config.APP_URL}/e/${encodeURIComponent(event.slug)}`,
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
  const { event, url, justPublished } = useLoaderData<typeof loader>()
  return (
    <main className="page">
      {justPublished ? <PublishedBanner url={url} title={event.title} /> : null}
      <EventPage event={event} />
    </main>
  )
}
