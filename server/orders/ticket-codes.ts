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
