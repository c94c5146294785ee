import { Link } from '@remix-run/react'
import { CopyLink } from './copy-link'

/**
 * The payoff of publishing, shown to the organizer above their new public page: the link to share,
 * to copy or to hand to the device's share sheet.
 */
export function PublishedBanner({ url, title }: { url: string; title: string }) {
  return (
    <section className="published card stack" aria-labelledby="published-title" data-published>
      <h2 id="published-title">Your event is live</h2>
      <p>Anyone with this link can see the event page. Share it with your guests.</p>
      <CopyLink id="public-link" url={url} title={title} label="Public link" />
      <p>
        <Link to="/">Back to your events</Link>
      </p>
    </section>
  )
}
