/**
 * An amount of money in minor units → "€19.99", "¥500", "KWD 1.234" ("€0.00" for nothing), with the
 * currency's own number of decimals. Pure: the pages and the e-mails use the same one.
 */
export function formatAmount(amount: number, currency: string, locale: string): string {
  try {
    const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
    return new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(amount / 10 ** digits)
  } catch {
    return `${(amount / 100).toFixed(2)} ${currency}`
  }
}
