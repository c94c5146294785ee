/**
 * For the `use…` suite helpers: what they open in `beforeAll`, read in a test or a later hook. Reading
 * it earlier (in the suite's body) throws a clear error instead of a bare `undefined`.
 */
export function started<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} starts in beforeAll; read it in a test or a later hook`)
  return value
}

/** Environment for a suite's server: given, or computed in `beforeAll` (when it needs what a hook started). */
export type SuiteEnv = Record<string, string> | (() => Record<string, string>)

export const envOf = (env: SuiteEnv = {}): Record<string, string> => (typeof env === 'function' ? env() : env)
