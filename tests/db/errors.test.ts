import { describe, expect, it } from 'vitest'
import { isDatabaseUnavailable } from '../../db/errors'
import { databaseUnavailableError } from '../../server/errors'

const failure = (fields: Record<string, unknown>) => Object.assign(new Error('failed'), fields)

describe('a database that went away', () => {
  it.each([
    ['a connection postgres.js saw close', failure({ code: 'CONNECTION_CLOSED' })],
    ['a refused connection, wrapped by Drizzle', new Error('Failed query', { cause: failure({ code: 'ECONNREFUSED' }) })],
    ['a backend killed by an administrator', failure({ code: '57P01' })],
    ['a server that is starting up', failure({ code: '57P03' })],
    ['a broken connection (class 08)', failure({ code: '08006' })],
  ])('is recognised: %s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true)
    expect(databaseUnavailableError(error)).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 5 })
  })

  it.each([
    ['a unique violation', failure({ code: '23505' })],
    ['a refusal by row level security', failure({ code: '42501' })],
    ['a bug', new TypeError('x is undefined')],
    ['not an error at all', 'CONNECTION_CLOSED'],
  ])('is not confused with a failed statement: %s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false)
    expect(databaseUnavailableError(error)).toBeNull()
  })
})
