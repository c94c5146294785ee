import { Link } from '@remix-run/react'
import { useEffect, useState } from 'react'

/**
 * The payoff of publishing, shown to the organizer above their new public page: the link to share, a
 * copy button and the device's own share sheet where it has one. Without JavaScript the link is a
 * plain field to select and copy; the buttons appear only where they work.
 */
export function PublishedBanner({ url, title }: { url: string; title: string }) {
  const [enhanced, setEnhanced] = useState<{ share: boolean } | null>(null)
  const [copied, setCopied] = useState(false)
  useEffect(() => setEnhanced({ share: typeof navigator.share === 'function' }), [])
  const copy = () =>
    navigator.clipboard.writeText(url).then(
      () => setCopied(true),
      () => setCopied(false),
    )
  return (
    <section className="published card stack" aria-labelledby="published-title" data-published>
      <h2 id="published-title">Your event is live</h2>
      <p>Anyone with this link can see the event page. Share it with your guests.</p>
      <div className="published__link">
        <label htmlFor="public-link" className="visually-hidden">
          Public link
        </label>
        <input id="public-link" readOnly value={url} onFocus={(event) => event.currentTarget.select()} />
        {enhanced ? (
          <button type="button" className="button button--primary" onClick={() => void copy()}>
            {copied ? 'Copied' : 'Copy link'}
          </button>
        ) : null}
        {enhanced?.share ? (
          <button type="button" className="button" onClick={() => void navigator.share({ title, url }).catch(() => {})}>
            Share…
          </button>
        ) : null}
      </div>
      <p role="status" aria-live="polite" className="published__status">
        {copied ? 'The link is on your clipboard.' : ''}
      </p>
      <p>
        <Link to="/">Back to your events</Link>
      </p>
    </section>
  )
}
