import { describe, expect, it } from 'vitest'
import { slugBase, slugCandidate } from '../../server/wizard/slug'

describe('slugBase', () => {
  it('turns a title into readable words', () => {
    expect(slugBase('Maison Lumière — SS27')).toBe('maison-lumiere-ss-27')
    expect(slugBase('!!!')).toBe('event')
  })

  it('keeps a long title to at most 60 characters, cut at a word', () => {
    const slug = slugBase('The Autumn Winter Collection of Maison Lumière Presented at the Palais de Tokyo in Paris')
    expect(slug.length).toBeLessThanOrEqual(60)
    expect(slug).toBe('the-autumn-winter-collection-of-maison-lumiere-presented-at')
    expect(slugBase('a'.repeat(80))).toBe('a'.repeat(60))
  })

  it('numbers the candidates after the first, then adds a random suffix', () => {
    expect(slugCandidate('show', 0, () => 'x')).toBe('show')
    expect(slugCandidate('show', 1, () => 'x')).toBe('show-2')
    expect(slugCandidate('show', 5, () => 'abc')).toBe('show-abc')
  })
})
