export interface EventChangedView {
  buyerName: string
  eventTitle: string
  /** The date and time as they are now. */
  when: string
  /** Where it takes place now: the venue, "Online", or both. */
  where: string
  /** The order page, with the key that opens it: the tickets, and how to join an online event. */
  link: string
}

/** The "your event changed" e-mail's HTML: plain markup, as mail clients prefer. */
export function EventChangedEmail(view: EventChangedView) {
  return (
    <html lang="en">
      <body>
        <p>Hello {view.buyerName},</p>
        <p>
          The organizer of <strong>{view.eventTitle}</strong> changed when or where it takes place. It is now:
        </p>
        <p>
          {view.when}
          <br />
          {view.where}
        </p>
        <p>Your tickets stay valid.</p>
        <p>
          <a href={view.link}>See your order</a>
        </p>
      </body>
    </html>
  )
}

export function eventChangedText(view: EventChangedView): string {
  return [
    `Hello ${view.buyerName},`,
    '',
    `The organizer of ${view.eventTitle} changed when or where it takes place. It is now:`,
    '',
    view.when,
    view.where,
    '',
    'Your tickets stay valid.',
    '',
    `See your order: ${view.link}`,
  ].join('\n')
}
