import { z } from 'zod'

/**
 * Text Postgres can store. `text` and `jsonb` refuse U+0000 and an unpaired UTF-16 surrogate (it has no
 * UTF-8 form), and the refusal would surface as a 500 from deep inside a transaction. Every door checks
 * text against this one rule before anything reaches SQL: `storableString` for named fields, and the
 * wizard's walk over a stage's free-form JSON (`shapeIssues`: every string and key, unknown ones too).
 */
export const UNSTORABLE_TEXT = 'Remove the NUL character or the broken Unicode character from this text.'

// Written without the `u` flag, so that it sees surrogates one by one (and runs in every browser).
const unstorable = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

export const isStorableText = (value: string): boolean => !unstorable.test(value)

/** A string schema that refuses unstorable text; a field's own checks are chained after it. */
export const storableString = (params?: Parameters<typeof z.string>[0]) => z.string(params).refine(isStorableText, UNSTORABLE_TEXT)
