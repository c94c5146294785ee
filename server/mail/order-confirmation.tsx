export interface OrderConfirmationView {
  buyerName: string
  eventTitle: string
  when: string
  /** The order page, with the key that opens it. */
  link: string
}

/** The confirmation e-mail's HTML: plain markup and inline-free, as mail clients prefer. */
export function OrderConfirmationEmail(view: OrderConfirmationView) {
  return (
    <html lang="en">
      <body>
        <p>Hello {view.buyerName},</p>
        <p>
          You are registered for <strong>{view.eventTitle}</strong>, {view.when}.
        </p>
        <p>
          <a href={view.link}>See your tickets</a>
        </p>
        <p>Keep this e-mail: the link opens your tickets on any device.</p>
      </body>
    </html>
  )
}

export function orderConfirmationText(view: OrderConfirmationView): string {
  return [
    `Hello ${view.buyerName},`,
    '',
    `You are registered for ${view.eventTitle}, ${view.when}.`,
    '',
    `See your tickets: ${view.link}`,
    '',
    'Keep this e-mail: the link opens your tickets on any device.',
  ].join('\n')
}
