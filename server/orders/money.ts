/** How many decimals a currency's minor unit has (EUR 2, JPY 0, KWD 3); 2 for a code Intl does not know. */
export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  } catch {
    return 2
  }
}

/**
 * An amount of money in minor units → "€19.99", "¥500", "KWD 1.234" ("€0.00" for nothing), with the
 * currency's own number of decimals. Pure: the pages and the e-mails use the same one.
 */
export function formatAmount(amount: number, currency: string, locale: string): string {
  try {
    const digits = currencyDigits(currency)
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
