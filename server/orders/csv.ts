/**
 * CSV as RFC 4180 writes it and spreadsheets read it: fields quoted when they hold a quote, a comma or a
 * line break, quotes doubled, lines ending in CRLF.
 */

/**
 * A spreadsheet runs a cell that starts with one of these as a formula (`=HYPERLINK(…)` in a buyer's
 * name): such a cell is written with a leading apostrophe, which shows it as the text it is (OWASP's
 * advice for CSV injection). Tab and carriage return count too: some spreadsheets skip them first.
 */
const FORMULA_START = /^[=+\-@\t\r]/

export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return ''
  let text = String(value)
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

export const csvLine = (cells: readonly (string | number | null | undefined)[]): string => `${cells.map(csvCell).join(',')}\r\n`
