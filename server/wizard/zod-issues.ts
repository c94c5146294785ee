/** Zod issues as the core's `FieldIssue`s (`tiers.0.price`), and which of them are *shape* problems. */
import type { z } from 'zod'
import type { FieldIssue } from '../errors'

type Issue = z.core.$ZodIssue
type Path = readonly PropertyKey[]

export const joinPath = (path: Path) => path.map(String).join('.')

/** The value at `path` inside `data`, or undefined when something on the way is missing. */
export function valueAt(data: unknown, path: Path): unknown {
  let value = data
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined
    value = (value as Record<PropertyKey, unknown>)[key]
  }
  return value
}

/** One FieldIssue per unknown key (each one beside the field to remove), one per other issue. */
export function toFieldIssues(issues: readonly Issue[]): FieldIssue[] {
  return issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: joinPath([...issue.path, key]), message: `Unknown field "${key}".` }))
      : [{ path: joinPath(issue.path), message: issue.message }],
  )
}

/**
 * Shape problems make a request unusable even as a draft: an unknown key, or a value that is there but of
 * the wrong type (text where a number goes, a number where a choice of words goes). A missing value, a
 * number that is not whole, a format or a limit are content: a draft may hold them while it is typed.
 */
export function isShapeIssue(issue: Issue, data: unknown): boolean {
  if (issue.code === 'unrecognized_keys') return true
  const value = valueAt(data, issue.path)
  if (value === undefined) return false
  if (issue.code === 'invalid_type') return issue.expected !== 'int'
  if (issue.code === 'invalid_value') return !issue.values.some((option) => typeof option === typeof value)
  return false
}

/** Keeps the first of identical issues (two rules may notice the same thing). */
export function uniqueIssues(issues: FieldIssue[]): FieldIssue[] {
  const seen = new Set<string>()
  return issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
