/**
 * Field builders shared by the stage schemas. Each one carries messages a person understands, so a form,
 * the copilot and the typed API all show the same words. No transform, preprocess or default anywhere:
 * `z.toJSONSchema` must accept every stage schema (the copilot's tool parameters are made from them).
 */
import { getCountry } from 'countries-and-timezones'
import { z } from 'zod'
import { storableString } from '../storable-text'
import { HTTPS_PREFIX, isHttpsUrl, MAX_URL_LENGTH } from './https-url'
import { canonicalTimeZone } from './times'

/** 1000000 → "1,000,000": limits read better with separators. */
export const count = (n: number) => n.toLocaleString('en-US')

/** Whether `value` passes `schema` on its own: refinements compare only values that do. */
export const passes = (schema: z.ZodType, value: unknown) => schema.safeParse(value).success

/**
 * A rule across fields that runs even while some field is wrong: Zod skips refinements once a field
 * failed, and then a second submit would bring news the first could have given. The value may be
 * partly invalid, so the rule must check what it reads (`passes`).
 */
export function everyTime<T>(rule: (value: T, ctx: z.core.$RefinementCtx<T>) => void): z.core.$ZodCheck<T> {
  const check = z.superRefine(rule)
  check._zod.def.when = (payload) => typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value)
  return check
}

type RawIssue = { code?: string; input?: unknown }

/**
 * Zod's `error` option: `missing` when there is no value, `invalid` when a value is of the wrong type or
 * format (or not among an enum's options). Other issues keep the message of their own check.
 */
export function says(missing: string, invalid: string) {
  return {
    error: (issue: RawIssue) => {
      if (issue.input === undefined) return missing
      if (issue.code === 'invalid_type' || issue.code === 'invalid_value' || issue.code === 'invalid_format') return invalid
      return undefined
    },
  }
}

/** Required text: `min`–`max` characters, and not only spaces (a blank title is no title). */
export function requiredText(options: { missing: string; max: number; min?: number }) {
  const { missing, max, min = 1 } = options
  const tooShort = min === 1 ? missing : `Use at least ${count(min)} characters.`
  return storableString(says(missing, 'Use text.'))
    .min(min, tooShort)
    .max(max, `Use at most ${count(max)} characters.`)
    .superRefine((value, ctx) => {
      // Only when the length checks passed, so one problem gives one message.
      if (value.length < min || value.length > max || value.trim().length >= min) return
      ctx.addIssue({ code: 'custom', message: value.trim() === '' ? missing : tooShort })
    })
}

/** Optional free text: only a length limit. */
export const optionalText = (max: number) =>
  storableString(says('', 'Use text.'))
    .max(max, `Use at most ${count(max)} characters.`)
    .optional()

/** A whole number in `min`–`max`; `range` is the message for a value outside. */
export function wholeNumber(options: { missing: string; min: number; max: number; range: string }) {
  return z.number(says(options.missing, 'Use a number.')).int('Use a whole number.').min(options.min, options.range).max(options.max, options.range)
}

export const booleanFlag = () => z.boolean(says('', 'Use true or false.'))

export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/
export const TIME_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/
const DATE_EXAMPLE = 'Use a date such as 2030-09-15.'

/** `YYYY-MM-DD` that exists in the calendar (no 30 February). */
export function isCalendarDate(value: string): boolean {
  if (!DATE_PATTERN.test(value)) return false
  const [year, month, day] = value.split('-').map(Number) as [number, number, number]
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day) // Date.UTC would map years 0–99 to 1900–1999
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

export const calendarDate = (missing: string) =>
  z
    .string(says(missing, DATE_EXAMPLE))
    .regex(DATE_PATTERN, DATE_EXAMPLE)
    .refine((value) => !DATE_PATTERN.test(value) || isCalendarDate(value), 'Use a real calendar date.')

export const clockTime = (missing: string) =>
  z.string(says(missing, 'Use a time such as 19:30 (24-hour clock).')).regex(TIME_PATTERN, 'Use a time such as 19:30 (24-hour clock).')

const TIME_ZONE = 'Choose a time zone such as Europe/Paris.'

/** Any IANA zone, aliases included (`Asia/Calcutta`, `UTC`): the browser's zone is never refused. */
export const timeZone = () => z.string(says(TIME_ZONE, TIME_ZONE)).refine((value) => canonicalTimeZone(value) !== null, TIME_ZONE)

const COUNTRY = 'Use a two-letter country code such as FR.'
const COUNTRY_PATTERN = /^[A-Z]{2}$/

/** ISO 3166-1 alpha-2, uppercase, and a country that exists. */
export const countryCode = (missing: string) =>
  z
    .string(says(missing, COUNTRY))
    .regex(COUNTRY_PATTERN, COUNTRY)
    .refine((value) => !COUNTRY_PATTERN.test(value) || getCountry(value) !== null, COUNTRY)

const CURRENCY = 'Use a three-letter currency code such as EUR.'
const CURRENCY_PATTERN = /^[A-Z]{3}$/
const knownCurrencies = new Set(Intl.supportedValuesOf('currency'))

export const isCurrencyCode = (value: unknown): value is string => typeof value === 'string' && CURRENCY_PATTERN.test(value) && knownCurrencies.has(value)

/** ISO 4217, uppercase, and known to Intl (so prices can be formatted). */
export const currencyCode = (missing: string) =>
  z
    .string(says(missing, CURRENCY))
    .regex(CURRENCY_PATTERN, CURRENCY)
    .refine((value) => !CURRENCY_PATTERN.test(value) || knownCurrencies.has(value), CURRENCY)

const HTTPS = 'Use an https:// link.'

/** Parses as a URL whose protocol is exactly `https:` (so no `javascript:`, `http:` or `data:`). */

/**
 * Why a parsed https link is not a public one, or null. These links are shown to every visitor and
 * fetched by their browsers, so none may point into a network (an IP literal, localhost) or carry a
 * password. The parser has already normalised the host: `2130706433`, `0x7f.1` and `127.1` are all
 * `127.0.0.1` by now, and `ＬＯＣＡＬＨＯＳＴ` is `localhost`.
 */
export function publicLinkProblem(url: URL): string | null {
  if (url.username || url.password) return 'Use a link without a user name or password in it.'
  const host = url.hostname.replace(/\.$/, '')
  if (host.startsWith('[') || /^\d+\.\d+\.\d+\.\d+$/.test(host)) return 'Use a link with a domain name, not an IP address.'
  if (host === 'localhost' || host.endsWith('.localhost')) return 'Use a public link, not one to localhost.'
  return null
}

export const httpsUrl = (missing = HTTPS) =>
  storableString(says(missing, HTTPS))
    .max(MAX_URL_LENGTH, `Use a link of at most ${count(MAX_URL_LENGTH)} characters.`)
    .regex(HTTPS_PREFIX, HTTPS)
    .superRefine((value, ctx) => {
      // One message per link: the format first, then whether it is public.
      if (!HTTPS_PREFIX.test(value) || value.length > MAX_URL_LENGTH) return
      const problem = isHttpsUrl(value) ? publicLinkProblem(new URL(value)) : HTTPS
      if (problem) ctx.addIssue({ code: 'custom', message: problem })
    })

const DATETIME = 'Use a date and time with an offset, such as 2030-09-01T09:00:00+02:00.'

export const isoDateTime = () => z.iso.datetime({ offset: true, ...says(DATETIME, DATETIME) })
