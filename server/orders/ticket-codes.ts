import { randomBytes } from 'node:crypto'

/** Without 0/O and 1/I, so a code typed at the door from a printout is read right. */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'

/** 16 characters of a 32-letter alphabet: 80 random bits, unguessable and unique in practice (the column is unique too). */
export function newTicketCode(): string {
  const bytes = randomBytes(16)
  let code = ''
  for (const byte of bytes) code += ALPHABET[byte % ALPHABET.length]
  return code
}

/**
 * A code as someone typed or scanned it, in the form it is stored: spaces and dashes (a printout may
 * group the characters) dropped, letters upper-cased.
 */
export function normaliseTicketCode(typed: string): string {
  return typed.replace(/[\s-]+/g, '').toUpperCase()
}
