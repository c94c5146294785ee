import slugify from '@sindresorhus/slugify'

const MAX_BASE = 120

/** The readable part of an event's URL, from its title ("Maison Lumière — SS27" → "maison-lumiere-ss27"). */
export function slugBase(title: string): string {
  const base = slugify(title).slice(0, MAX_BASE).replace(/-+$/, '')
  return base || 'event'
}

/** The n-th candidate: the base, then base-2, base-3, … and, past a few, a random suffix. */
export function slugCandidate(base: string, attempt: number, random: () => string): string {
  if (attempt === 0) return base
  if (attempt < 5) return `${base}-${attempt + 1}`
  return `${base}-${random()}`
}
