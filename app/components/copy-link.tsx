import { useEffect, useState } from 'react'

/**
 * A link to share. Without JavaScript it is a plain field to select and copy; with it, a Copy button
 * and the device's own share sheet where it has one (the buttons appear only where they work).
 */
export function CopyLink({ id, url, title, label }: { id: string; url: string; title: string; label: string }) {
  const [enhanced, setEnhanced] = useState<{ share: boolean } | null>(null)
  const [copied, setCopied] = useState(false)
  useEffect(() => setEnhanced({ share: typeof navigator.share === 'function' }), [])
  const copy = () =>
    navigator.clipboard.writeText(url).then(
      () => setCopied(true),
      () => setCopied(false),
    )
  return (
    <>
      <div className="copy-link">
        <label htmlFor={id} className="sr-only">
          {label}
        </label>
        <input id={id} readOnly value={url} onFocus={(event) => event.currentTarget.select()} />
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
      <p role="status" aria-live="polite" className="copy-link__status">
        {copied ? 'The link is on your clipboard.' : ''}
      </p>
    </>
  )
}
