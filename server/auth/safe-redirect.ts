/**
 * Where to send a browser after sign-in, sign-up or a sign-in link: a path of this app, or `/`.
 *
 * The target is read the way a browser reads a Location header (`new URL(target, APP_URL)`) and kept
 * only when it lands on APP_URL's own origin; the answer is rebuilt from the parsed URL, so it is
 * percent-encoded ASCII (a raw `。` in a header would throw). Characters a browser silently drops or
 * rewrites — tabs, CR/LF and other controls, backslashes, whitespace — are refused outright, since
 * `/\t/evil.example` becomes `//evil.example` in the browser but not in our check.
 */
export function safeRedirect(target: unknown, appUrl: string): string {
  const home = '/'
  if (typeof target !== 'string' || target === '' || /[\p{Cc}\p{Z}\s\\]/u.test(target)) return home
  let url: URL
  try {
    url = new URL(target, appUrl)
  } catch {
    return home
  }
  if (url.origin !== new URL(appUrl).origin) return home
  // `/.//evil.example` normalises to the path `//evil.example`, which a browser reads as another host.
  if (url.pathname.startsWith('//')) return home
  return `${url.pathname}${url.search}${url.hash}`
}
