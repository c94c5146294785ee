/**
 * Intl formatters, made once per locale and options: building one costs far more than formatting with
 * it (a dashboard of 100 events built 300), and the locales and zones a server meets are few. Bounded
 * all the same, since both come from requests and stored data.
 */
const MAX_CACHED = 2000

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>()
const relativeTimeFormats = new Map<string, Intl.RelativeTimeFormat>()

function cached<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let format = cache.get(key)
  if (format === undefined) {
    format = make()
    if (cache.size < MAX_CACHED) cache.set(key, format)
  }
  return format
}

export const dateTimeFormat = (locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat =>
  cached(dateTimeFormats, `${locale}|${JSON.stringify(options)}`, () => new Intl.DateTimeFormat(locale, options))

export const relativeTimeFormat = (locale: string, options: Intl.RelativeTimeFormatOptions): Intl.RelativeTimeFormat =>
  cached(relativeTimeFormats, `${locale}|${JSON.stringify(options)}`, () => new Intl.RelativeTimeFormat(locale, options))
