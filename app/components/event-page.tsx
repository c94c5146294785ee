import type { ReactNode } from 'react'
import type { PresentedEvent } from '../lib/event-presentation'
import eventPageCss from '../styles/event-page.css?url'

export const eventPageStylesheet = { rel: 'stylesheet', href: eventPageCss } as const

/**
 * The event as the public sees it. `headingLevel` 1 on its own page; a preview inside another page
 * (the review stage, under its own h1) passes 2 so headings stay in order.
 */
export function EventPage({
  event,
  headingLevel = 1,
  tickets,
}: {
  event: PresentedEvent
  headingLevel?: 1 | 2
  /** The live page's registration form, in place of the plain list of tiers. */
  tickets?: ReactNode
}) {
  const Title = headingLevel === 1 ? 'h1' : 'h2'
  const Section = headingLevel === 1 ? 'h2' : 'h3'
  const { when, place } = event
  return (
    <article className="event-page">
      <header className={event.coverImage ? 'event-page__hero' : 'event-page__hero event-page__hero--plain'}>
        {event.coverImage ? (
          <img
            className="event-page__cover"
            src={event.coverImage.src}
            alt={event.coverImage.alt}
            width={1600}
            height={900}
            decoding="async"
            referrerPolicy="no-referrer"
          />
        ) : null}
        <div className="event-page__heading">
          <p className="event-page__type">{event.typeLabel}</p>
          <Title className="event-page__title">{event.title}</Title>
          <p className="event-page__tagline">
            <time dateTime={when.startIso}>{when.startDate}</time>
            <span aria-hidden="true"> · </span>
            <span>{place.summary}</span>
          </p>
        </div>
      </header>

      <div className="event-page__layout">
        <aside className="event-page__facts" aria-label="Date and place">
          <section className="card event-page__fact">
            <Section>Date and time</Section>
            {when.endDate ? (
              <p className="event-page__when">
                <span>
                  From <time dateTime={when.startIso}>{`${when.startDate}, ${when.startTime}`}</time>
                </span>
                <span>
                  until <time dateTime={when.endIso ?? undefined}>{`${when.endDate}, ${when.endTime}`}</time>
                </span>
              </p>
            ) : (
              <p className="event-page__when">
                <time dateTime={when.startIso}>{when.startDate}</time>
                <span>{when.endTime ? `${when.startTime} – ${when.endTime}` : `Starts at ${when.startTime}`}</span>
              </p>
            )}
            <p className="event-page__zone">{`Times in ${when.zoneName} (${when.timezone})`}</p>
          </section>

          <section className="card event-page__fact">
            <Section>{place.venue ? 'Location' : 'Online event'}</Section>
            {place.venue ? (
              <address className="event-page__address">
                <strong>{place.venue.name}</strong>
                {place.venue.lines.map((line) => (
                  <span key={line}>{line}</span>
                ))}
              </address>
            ) : null}
            {place.online ? (
              <p className="event-page__online">
                {place.venue ? 'Also streamed online. ' : 'This event takes place online. '}
                Ticket holders receive the link to join.
              </p>
            ) : null}
          </section>
        </aside>

        <div className="event-page__main">
          {event.description ? (
            <section className="event-page__section">
              <Section>About this event</Section>
              <p className="event-page__description">{event.description}</p>
            </section>
          ) : null}

          <section className="event-page__section">
            <Section>Tickets</Section>
            {tickets ? (
              tickets
            ) : event.tiers.length === 0 ? (
              <p className="hint">Tickets are not on sale yet.</p>
            ) : (
              <ul className="event-page__tiers">
                {event.tiers.map((tier, index) => (
                  <li key={`${index}-${tier.name}`} className="event-page__tier">
                    <TierSummary tier={tier} />
                  </li>
                ))}
              </ul>
            )}
          </section>

          {event.sponsors.length > 0 ? (
            <section className="event-page__section">
              <Section>Sponsors</Section>
              <ul className="event-page__sponsors">
                {event.sponsors.map((sponsor, index) => {
                  const content = (
                    <>
                      {sponsor.logoUrl ? (
                        <img
                          className="event-page__sponsor-logo"
                          src={sponsor.logoUrl}
                          alt=""
                          width={48}
                          height={48}
                          loading="lazy"
                          decoding="async"
                          referrerPolicy="no-referrer"
                        />
                      ) : (
                        <span className="event-page__sponsor-initial" aria-hidden="true">
                          {sponsor.name.slice(0, 1).toUpperCase()}
                        </span>
                      )}
                      <span className="event-page__sponsor-text">
                        <span className="event-page__sponsor-name">{sponsor.name}</span>
                        {sponsor.level ? <span className="event-page__sponsor-level">{sponsor.level}</span> : null}
                      </span>
                    </>
                  )
                  return (
                    <li key={`${index}-${sponsor.name}`}>
                      {sponsor.href ? (
                        <a className="event-page__sponsor" href={sponsor.href} rel="noopener noreferrer" target="_blank">
                          {content}
                          <span className="sr-only"> (opens in a new tab)</span>
                        </a>
                      ) : (
                        <div className="event-page__sponsor">{content}</div>
                      )}
                    </li>
                  )
                })}
              </ul>
            </section>
          ) : null}
        </div>
      </div>
    </article>
  )
}

/** A tier as the public reads it: name, price, description and its notes (sales window, limits). */
export function TierSummary({ tier }: { tier: PresentedEvent['tiers'][number] }) {
  return (
    <>
      <div className="event-page__tier-head">
        <span className="event-page__tier-name">{tier.name}</span>
        <span className={tier.free ? 'event-page__price event-page__price--free' : 'event-page__price'}>{tier.price}</span>
      </div>
      {tier.description ? <p className="event-page__tier-description">{tier.description}</p> : null}
      {tier.notes.length > 0 ? (
        <ul className="event-page__tier-notes">
          {tier.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      ) : null}
    </>
  )
}
