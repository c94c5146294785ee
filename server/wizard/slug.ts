import slugify from '@sindresorhus/slugify'

/** Short enough to read aloud and share; long titles are cut at a word. */
const MAX_BASE = 60

/** The readable part of an event's URL, from its title ("Maison Lumière — SS27" → "maison-lumiere-ss-27"). */
export function slugBase(title: string): string {
  const full = slugify(title)
  if (full.length <= MAX_BASE) return full || 'event'
  // Cut at the last word boundary that fits; one giant word is cut where it must be.
  const cut = full.slice(0, MAX_BASE + 1)
  const boundary = cut.lastIndexOf('-')
  return (boundary > 0 ? cut.slice(0, boundary) : full.slice(0, MAX_BASE)).replace(/-+$/, '') || 'event'
}

/** The n-th candidate: the base, then base-2, base-3, … and, past a few, a random suffix. */
export function slugCandidate(base: string, attempt: number, random: () => string): string {
  if (attempt === 0) return base
  if (attempt < 5) return `${base}-${attempt + 1}`
  return `${base}-${random()}`
}
