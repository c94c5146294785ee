import { issueAccessToken } from '../../server/auth/tokens'
import { createSessionCookie } from '../../server/cookies/session-cookie'
import type { load, RunningServer } from './http'
import type { BenchUser } from './seed'

export const BENCH_SECRET = 'bench-secret-that-is-long-enough-for-hs256'

export async function tokenFor(user: BenchUser) {
  const options = { secret: BENCH_SECRET, issuer: 'event-wizard', ttlSeconds: 86_400, now: new Date(), sessionId: user.signInSessionId }
  return (await issueAccessToken(user, options)).accessToken
}

/** The session cookie a signed-in browser of `user` sends. */
export async function cookieFor(user: BenchUser) {
  return (await createSessionCookie({ secure: true }).serialize(await tokenFor(user))).split(';')[0]!
}

export const getPath = (sessionId: string) => `/api/trpc/wizard.get?input=${encodeURIComponent(JSON.stringify({ json: { sessionId } }))}`

export interface BenchCall {
  name: string
  /** The call whose req/s is compared with the limit of its transaction. */
  comparedToLimit?: boolean
  request: Omit<Parameters<typeof load>[0], 'connections'>
}

/**
 * The wizard's calls as the bench and the profiler load them: each connection `i` is user `i` with its
 * own session; the publish takes a fresh complete session per request.
 */
export async function wizardCalls(server: RunningServer, users: BenchUser[], publishable: string[]): Promise<BenchCall[]> {
  const tokens = await Promise.all(users.map(tokenFor))
  const cookie = await cookieFor(users[0]!)
  const json = { 'content-type': 'application/json', authorization: '' }
  let publishIndex = 0
  return [
    {
      name: 'wizard.merge',
      comparedToLimit: true,
      request: {
        url: `${server.url}/api/trpc/wizard.merge`,
        method: 'POST',
        perClient: (i) => ({
          headers: { ...json, authorization: `Bearer ${tokens[i]}` },
          body: JSON.stringify({ json: { sessionId: users[i]!.sessionId, stage: 'organizerSetup', data: { name: `Ada ${i}` } } }),
        }),
      },
    },
    {
      name: 'wizard.get (own session)',
      request: {
        url: `${server.url}/api/trpc/wizard.get`,
        method: 'GET',
        perClient: (i) => ({ path: getPath(users[i]!.sessionId), headers: { authorization: `Bearer ${tokens[i]}` } }),
      },
    },
    {
      name: '/healthz',
      request: { url: `${server.url}/healthz`, method: 'GET', perClient: () => ({ headers: {} }) },
    },
    {
      name: 'stage page (HTML)',
      request: { url: `${server.url}/wizard/${users[0]!.sessionId}/organizerSetup`, method: 'GET', perClient: () => ({ headers: { cookie } }) },
    },
    {
      name: 'wizard.publish (fresh sessions)',
      request: {
        url: `${server.url}/api/trpc/wizard.publish`,
        method: 'POST',
        perClient: () => ({ headers: { ...json, authorization: `Bearer ${tokens[0]}` } }),
        perRequest: () => JSON.stringify({ json: { sessionId: publishable[publishIndex++ % publishable.length] } }),
      },
    },
  ]
}

/** The floor server's calls (floor-server.ts), loaded as the wizard's are: connection `i` is user `i`. */
export function floorCalls(server: RunningServer, users: BenchUser[]): BenchCall[] {
  return [
    { name: 'Express alone (small JSON)', request: { url: `${server.url}/plain`, method: 'GET', perClient: () => ({ headers: {} }) } },
    { name: 'tRPC query returning a constant', request: { url: `${server.url}/api/trpc/noop`, method: 'GET', perClient: () => ({ headers: {} }) } },
    ...[
      ['merge', "tRPC mutation sending the merge's statements"],
      ['mergeWithDrizzle', "the same statements built by Drizzle (the app's database layer)"],
    ].map(
      ([procedure, name]): BenchCall => ({
        name: name!,
        comparedToLimit: true,
        request: {
          url: `${server.url}/api/trpc/${procedure}`,
          method: 'POST',
          perClient: (i) => ({
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ json: { userId: users[i]!.id, sessionId: users[i]!.sessionId, name: `Ada ${i}` } }),
          }),
        },
      }),
    ),
  ]
}
