import { hash, verify } from '@node-rs/argon2'

/** Argon2id with the library's defaults (OWASP's minimum: 19 MiB, 2 iterations). */
export function hashPassword(password: string): Promise<string> {
  return hash(password)
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password)
  } catch {
    return false
  }
}

/**
 * A hash to check against when the account does not exist, so a wrong e-mail costs as much time as
 * a wrong password and the answer time does not reveal which accounts exist.
 */
let decoyHash: Promise<string> | undefined
export const decoyPasswordHash = () => (decoyHash ??= hash('decoy password that matches nothing'))
