import { Form, Link } from '@remix-run/react'

/** A page of attendees as the organizer's event page shows it, every value already a string. */
export interface AttendeesView {
  rows: {
    ticketId: string
    code: string
    holderName: string
    tierName: string
    status: string
    buyerName: string
    buyerEmail: string
    orderId: string
    orderStatus: string
    /** Where the organizer confirms refunding or cancelling the order; null once it has ended. */
    refundHref: string | null
  }[]
  total: number
  /** "26–50 of 312"; null on an empty page. */
  range: string | null
  page: number
  pageCount: number
  previousHref: string | null
  nextHref: string | null
  search: string
  searchError: string | null
  /** The page itself, without a search or a page number. */
  allHref: string
}

/**
 * The attendees: a search form and numbered pages, both plain GET links and forms, so they work without
 * JavaScript. A table on wide screens, one card per ticket on phones (the cells carry their labels).
 */
export function AttendeeList({ attendees }: { attendees: AttendeesView }) {
  const { rows, search, searchError } = attendees
  return (
    <section className="manage__section" aria-labelledby="attendees-heading">
      <h2 id="attendees-heading">Attendees</h2>
      <Form method="get" action={attendees.allHref} role="search" className="manage__search">
        <label htmlFor="attendee-search">Search by name, e-mail or ticket code</label>
        <div className="manage__search-row">
          <input
            id="attendee-search"
            type="search"
            name="q"
            defaultValue={search}
            aria-invalid={searchError ? true : undefined}
            aria-describedby={searchError ? 'attendee-search-error' : undefined}
          />
          <button type="submit" className="button">
            Search
          </button>
          {search ? (
            <Link to={attendees.allHref} className="manage__clear">
              Show all
            </Link>
          ) : null}
        </div>
        {searchError ? (
          <p id="attendee-search-error" className="errors">
            {searchError}
          </p>
        ) : null}
      </Form>

      {rows.length === 0 ? (
        <p className="hint">{search ? `No attendee matches “${search}”.` : attendees.total > 0 ? 'No attendees on this page.' : 'No attendees yet.'}</p>
      ) : (
        <table className="manage__table manage__attendees">
          <caption className="hint">{attendees.range}</caption>
          <thead>
            <tr>
              <th scope="col">Attendee</th>
              <th scope="col">Ticket</th>
              <th scope="col">Status</th>
              <th scope="col">Buyer</th>
              <th scope="col">Order</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.ticketId}>
                <th scope="row">{row.holderName}</th>
                <td data-label="Ticket">
                  {row.tierName}
                  <span className="manage__code">{row.code}</span>
                </td>
                <td data-label="Status">{row.status}</td>
                <td data-label="Buyer">
                  {row.buyerName}
                  <span className="manage__sub">{row.buyerEmail}</span>
                </td>
                <td data-label="Order">
                  <Link to={`/orders/${row.orderId}`}>{row.orderStatus}</Link>
                  {row.refundHref ? (
                    <Link to={row.refundHref} className="manage__sub">
                      Refund or cancel…
                    </Link>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {attendees.pageCount > 1 || attendees.previousHref ? (
        <nav className="manage__pages" aria-label="Attendee pages">
          {attendees.previousHref ? (
            <Link to={attendees.previousHref} rel="prev">
              Previous
            </Link>
          ) : null}
          <span>{`Page ${attendees.page} of ${attendees.pageCount}`}</span>
          {attendees.nextHref ? (
            <Link to={attendees.nextHref} rel="next">
              Next
            </Link>
          ) : null}
        </nav>
      ) : null}
    </section>
  )
}
