import { eq } from 'drizzle-orm'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { asServiceRole } from '../../db/rls'
import * as schema from '../../db/schema'
import { DomainError } from '../../server/errors'
import { mergeStage } from '../../server/wizard/merge'
import { publishWizard } from '../../server/wizard/publish'
import { createWizard, getWizard } from '../../server/wizard/sessions'
import { transitionStage } from '../../server/wizard/transition'
import { databaseKinds, describeEachDatabase, openTestDatabase, type TestDatabase } from '../support/databases'
import { createUser, type TestUser } from '../support/fixtures'
import { signTestToken, startTestServer, type TestServer } from '../support/server'
import { actorOf, fillThrough, testClock, wizardDeps } from '../support/wizard-driver'
import { validStageData } from '../support/wizard-fixtures'

/*
 * Races on one wizard session. The real races run on Postgres only (PGlite has a single session, so
 * nothing there can overlap); a smaller block below runs on every database.
 *
 * The barrier (Postgres): the test itself takes the session row's lock (`SELECT … FOR UPDATE`, the same lock the
 * core takes) in a transaction on a connection of its own, and only then starts the N calls. None of
 * them can get past its own `FOR UPDATE` of that row, so none can finish. The test waits until
 * Postgres itself reports N backends of this database waiting on a lock in a `FOR UPDATE` of
 * `wizard_sessions` (pg_stat_activity), checks that no call has settled yet, and only then commits its
 * transaction. At that moment all N calls are queued on the same row lock: they really contend for it.
 * Afterwards the test also checks, in JavaScript time, that every call started before any finished.
 */

const POOL = 20

interface Deferred<T> {
  promise: Promise<T>
  resolve(value: T): void
}

function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

interface RaceOutcome<T> {
  results: PromiseSettledResult<T>[]
  /** Backends that were waiting on the session row lock when the test let go of it. */
  waiting: { pid: number; blockers: number[] }[]
  holderPid: number
  startedAt: number[]
  settledAt: number[]
}

/** The domain error a core call was refused with (anything else fails the test). */
function domainErrorOf(result: PromiseSettledResult<unknown>): DomainError {
  if (result.status !== 'rejected') throw new Error('expected the call to be refused')
  if (!(result.reason instanceof DomainError)) throw result.reason
  return result.reason
}

/*
 * On every database, calls started together without a barrier. On PGlite (one session) they cannot
 * overlap and run one after another; the outcome the API promises is the same either way.
 */
describeEachDatabase('the wizard with calls started together', (kind) => {
  let database: TestDatabase
  let user: TestUser
  const clock = testClock()
  const deps = () => wizardDeps(database.db, clock)
  beforeAll(async () => {
    database = await openTestDatabase(kind)
    user = await createUser(database.db, 'together')
  })
  afterAll(() => database?.close())

  it('publishes once however many publishes are started at once, and moves on from a stage once', async () => {
    const { sessionId } = await createWizard(deps(), user.claims, { fresh: true })
    await fillThrough(deps(), actorOf(user), sessionId, 'reviewPublish')
    const published = await Promise.all(Array.from({ length: 5 }, () => publishWizard(deps(), actorOf(user), sessionId)))
    expect(new Set(published.map((event) => event.eventId)).size).toBe(1)
    const events = await asServiceRole(database.db, (tx) => tx.select().from(schema.events).where(eq(schema.events.sessionId, sessionId)))
    expect(events.map((event) => event.id)).toEqual([published[0]!.eventId])

    const other = (await createWizard(deps(), user.claims, { fresh: true })).sessionId
    await fillThrough(deps(), actorOf(user), other, 'eventSetup')
    await mergeStage(deps(), actorOf(user), { sessionId: other, stage: 'eventSetup', data: validStageData(clock.now()).eventSetup, validate: 'strict' })
    const moves = await Promise.allSettled(
      Array.from({ length: 2 }, () => transitionStage(deps(), actorOf(user), { sessionId: other, from: 'eventSetup', to: 'venueSetup' })),
    )
    expect(moves.filter((move) => move.status === 'fulfilled')).toHaveLength(1)
    expect(moves.filter((move) => move.status === 'rejected').map((move) => domainErrorOf(move).code)).toEqual(['CONFLICT'])
  })
})

if (databaseKinds.includes('postgres')) {
  describe('the wizard under concurrent calls [postgres]', () => {
    let database: TestDatabase
    let admin: postgres.Sql
    let user: TestUser
    const clock = testClock()
    const deps = () => wizardDeps(database.db, clock)

    beforeAll(async () => {
      database = await openTestDatabase('postgres', { poolMax: POOL })
      // The migrating role (a superuser here), on its own connections: one holds the row lock, one watches.
      admin = postgres(database.urls!.admin, { max: 2, onnotice: () => {} })
      user = await createUser(database.db, 'racer')
    })
    afterAll(async () => {
      await admin?.end({ timeout: 5 })
      await database?.close()
    })

    /** Sessions waiting on a lock inside a `FOR UPDATE` of the wizard sessions, in this database. */
    const rowLockWaiters = () =>
      admin<{ pid: number; blockers: number[] }[]>`
        select pid, pg_blocking_pids(pid) as blockers
        from pg_stat_activity
        where datname = current_database()
          and pid <> pg_backend_pid()
          and wait_event_type = 'Lock'
          and query ilike '%wizard_sessions%for update%'`

    /**
     * Starts `n` calls while the test holds the session row's lock, waits until Postgres shows all `n`
     * blocked on it (and none settled), then releases the lock and collects what each call did.
     */
    async function race<T>(sessionId: string, n: number, call: (index: number) => Promise<T>): Promise<RaceOutcome<T>> {
      expect(n).toBeLessThanOrEqual(POOL)
      const locked = deferred<number>()
      const release = deferred()
      const holder = admin.begin(async (tx) => {
        const rows = await tx`select id from event_wizard.wizard_sessions where id = ${sessionId} for update`
        if (rows.length !== 1) throw new Error('session row not found')
        const [backend] = await tx<{ pid: number }[]>`select pg_backend_pid() as pid`
        locked.resolve(backend!.pid)
        await release.promise
      })
      const holderPid = await Promise.race([locked.promise, holder.then(() => Promise.reject(new Error('holder ended early')))])

      const startedAt: number[] = []
      const settledAt: number[] = []
      const calls = Array.from({ length: n }, (_, index) => {
        startedAt[index] = performance.now()
        return call(index).finally(() => {
          settledAt[index] = performance.now()
        })
      })
      const all = Promise.allSettled(calls)

      let waiting: { pid: number; blockers: number[] }[] = []
      const deadline = Date.now() + 15_000
      try {
        while (true) {
          waiting = [...(await rowLockWaiters())]
          if (waiting.length >= n || Date.now() > deadline) break
          await new Promise((resolve) => setTimeout(resolve, 10))
        }
        // The barrier held: every call is blocked on the row, none could finish while the test held it.
        expect(waiting).toHaveLength(n)
        expect(settledAt.filter((time) => time !== undefined)).toEqual([])
        // The head of the queue waits on the test's own transaction, the others behind it: following
        // the blockers from any waiter leads to the test's transaction.
        const blockersOf = new Map(waiting.map((waiter) => [waiter.pid, waiter.blockers]))
        const reachesHolder = (pid: number, seen = new Set<number>()): boolean =>
          (blockersOf.get(pid) ?? []).some((blocker) => blocker === holderPid || (!seen.has(blocker) && reachesHolder(blocker, seen.add(blocker))))
        expect(waiting.filter((waiter) => !reachesHolder(waiter.pid))).toEqual([])
      } finally {
        release.resolve()
        await holder
      }
      const results = await all
      // In JavaScript time too: every call had started before the first one finished.
      expect(Math.max(...startedAt)).toBeLessThan(Math.min(...settledAt))
      return { results, waiting, holderPid, startedAt, settledAt }
    }

    const newWizard = async (owner: TestUser = user) => (await createWizard(deps(), owner.claims, { fresh: true })).sessionId

    const eventsOfSession = (sessionId: string) =>
      asServiceRole(database.db, (tx) => tx.select().from(schema.events).where(eq(schema.events.sessionId, sessionId)))

    const tiersOfEvent = (eventId: string) =>
      asServiceRole(database.db, (tx) => tx.select().from(schema.eventTicketTiers).where(eq(schema.eventTicketTiers.eventId, eventId)))

    it('ten publishes at once of one complete wizard create one event with one set of tiers', async () => {
      const sessionId = await newWizard()
      await fillThrough(deps(), actorOf(user), sessionId, 'reviewPublish')

      const { results } = await race(sessionId, 10, () => publishWizard(deps(), actorOf(user), sessionId))

      const published = results.map((result) => {
        if (result.status === 'rejected') throw result.reason
        return result.value
      })
      const events = await eventsOfSession(sessionId)
      expect(events).toHaveLength(1)
      const [event] = events
      expect(published).toEqual(Array.from({ length: 10 }, () => ({ eventId: event!.id, slug: event!.slug, sessionId })))
      expect(event).toMatchObject({ status: 'published', userId: user.id })

      const tiers = await tiersOfEvent(event!.id)
      expect(tiers.map((tier) => [tier.position, tier.name]).sort()).toEqual([
        [0, 'General admission'],
        [1, 'Press'],
      ])
      const state = await getWizard(deps(), user.claims, sessionId)
      expect(state).toMatchObject({ status: 'completed', eventId: event!.id })
      expect(state.progress.percentage).toBe(100)
    })

    it('two merges at once into different stages both survive, and the version goes up by two', async () => {
      const sessionId = await newWizard()
      // venueSetup is filled and complete, eventSetup too; both are reached (the current stage is ticketSetup).
      const before = (await fillThrough(deps(), actorOf(user), sessionId, 'ticketSetup'))!
      expect(before.reachedStages).toEqual(expect.arrayContaining(['eventSetup', 'venueSetup']))
      const valid = validStageData(clock.now())
      const description = 'Rewritten while someone else changed the venue.'
      const venue = { ...valid.venueSetup.venue!, capacity: 280 }

      const { results } = await race(sessionId, 2, (index) =>
        index === 0
          ? mergeStage(deps(), actorOf(user), { sessionId, stage: 'eventSetup', data: { description }, validate: 'strict' })
          : mergeStage(deps(), actorOf(user), { sessionId, stage: 'venueSetup', data: { venue }, validate: 'strict' }),
      )

      for (const result of results) {
        if (result.status === 'rejected') throw result.reason
      }
      const versions = results.map((result) => (result.status === 'fulfilled' ? result.value.version : 0)).sort()
      expect(versions).toEqual([before.version + 1, before.version + 2])
      const after = await getWizard(deps(), user.claims, sessionId)
      expect(after.version).toBe(before.version + 2)
      expect(after.data.eventSetup).toMatchObject({ title: valid.eventSetup.title, description })
      expect(after.data.venueSetup).toEqual({ ...valid.venueSetup, venue })
      expect(after.completedStages).toEqual(before.completedStages)
    })

    it('two forward transitions at once from the same stage: one moves on, the other gets CONFLICT', async () => {
      const sessionId = await newWizard()
      const before = (await fillThrough(deps(), actorOf(user), sessionId, 'eventSetup'))!
      await mergeStage(deps(), actorOf(user), {
        sessionId,
        stage: 'eventSetup',
        data: validStageData(clock.now()).eventSetup,
        validate: 'strict',
      })

      const { results } = await race(sessionId, 2, () => transitionStage(deps(), actorOf(user), { sessionId, from: 'eventSetup', to: 'venueSetup' }))

      const fulfilled = results.filter((result) => result.status === 'fulfilled')
      const rejected = results.filter((result) => result.status === 'rejected')
      expect(fulfilled).toHaveLength(1)
      expect(rejected).toHaveLength(1)
      expect(domainErrorOf(rejected[0]!).code).toBe('CONFLICT')
      const after = await getWizard(deps(), user.claims, sessionId)
      expect(after.currentStage).toBe('venueSetup')
      // One merge and one transition since fillThrough: the losing transition wrote nothing.
      expect(after.version).toBe(before.version + 2)
    })

    it('two merges at once with the same idempotency key act once, and both answer with that result', async () => {
      const sessionId = await newWizard()
      const key = `race-${sessionId}`
      const input = { sessionId, stage: 'organizerSetup' as const, data: { name: 'Ada Martin' }, validate: 'draft' as const }

      const { results } = await race(sessionId, 2, () => mergeStage(deps(), actorOf(user, { idempotencyKey: key }), input))

      const versions = results.map((result) => {
        if (result.status === 'rejected') throw result.reason
        return result.value.version
      })
      expect(versions).toEqual([2, 2])
      expect((await getWizard(deps(), user.claims, sessionId)).version).toBe(2)
      const keyed = await asServiceRole(database.db, (tx) => tx.select().from(schema.wizardActions).where(eq(schema.wizardActions.idempotencyKey, key)))
      expect(keyed).toHaveLength(1)
      expect(keyed[0]).toMatchObject({ sessionId, actionName: 'merge', result: 'succeeded' })
    })

    describe('over HTTP', () => {
      let server: TestServer
      beforeAll(async () => {
        server = await startTestServer(database, {}, { now: clock.now })
      })
      afterAll(() => server?.close())

      it('two raw POSTs of wizard.publish at once both answer 200 with the same event, and one event exists', async () => {
        const owner = await createUser(database.db, 'http-racer')
        const token = await signTestToken({ sub: owner.id, email: owner.email, sid: owner.claims.sid })
        const sessionId = await newWizard(owner)
        await fillThrough(deps(), actorOf(owner), sessionId, 'reviewPublish')

        const post = async () => {
          const response = await fetch(`${server.url}/api/trpc/wizard.publish`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ json: { sessionId } }),
          })
          return { status: response.status, body: (await response.json()) as { result?: { data?: { json?: { eventId: string; slug: string } } } } }
        }
        const { results } = await race(sessionId, 2, post)

        const responses = results.map((result) => {
          if (result.status === 'rejected') throw result.reason
          return result.value
        })
        expect(responses.map((response) => response.status)).toEqual([200, 200])
        const events = await eventsOfSession(sessionId)
        expect(events).toHaveLength(1)
        for (const response of responses) {
          expect(response.body.result?.data?.json).toEqual({ eventId: events[0]!.id, slug: events[0]!.slug, sessionId })
        }
      })
    })
  })
}
