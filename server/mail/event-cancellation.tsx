export interface EventCancellationView {
  buyerName: string
  eventTitle: string
  when: string
  /** The organizer's own words, as they wrote them; may be empty. */
  message: string
  /** What happened to the buyer's money, in a sentence ("€50.00 is refunded…" or "Nothing was charged."). */
  money: string
  /** The order page, with the key that opens it. */
  link: string
}

/** The cancellation e-mail's HTML: plain markup and inline-free, as mail clients prefer. */
export function EventCancellationEmail(view: EventCancellationView) {
  return (
    <html lang="en">
      <body>
        <p>Hello {view.buyerName},</p>
        <p>
          <strong>{view.eventTitle}</strong>, {view.when}, is cancelled.
        </p>
        {view.message ? <blockquote>{view.message}</blockquote> : null}
        <p>{view.money} Your tickets are no longer valid.</p>
        <p>
          <a href={view.link}>See your order</a>
        </p>
      </body>
    </html>
  )
}

export function eventCancellationText(view: EventCancellationView): string {
  return [
    `Hello ${view.buyerName},`,
    '',
    `${view.eventTitle}, ${view.when}, is cancelled.`,
    ...(view.message ? ['', 'The organizer writes:', view.message] : []),
    '',
    `${view.money} Your tickets are no longer valid.`,
    '',
    `See your order: ${view.link}`,
  ].join('\n')
}
