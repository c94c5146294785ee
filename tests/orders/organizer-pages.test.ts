import { beforeAll, expect, it } from 'vitest'
import { describeEachDatabase } from '../support/databases'
import type { TestUser } from '../support/fixtures'
import { createOrganization } from '../support/fixtures'
import { browserCookie, signUp } from '../support/organizers'
import { apiClient, failureOf, postForm, useTestServer } from '../support/server'
import { recordOrder } from './sales-support'
import { eventWithTiers, NOW, salesOf } from './support'

type Account = Awaited<ReturnType<typeof signUp>>

/** A signed-up account as the fixtures take a user. */
const asTestUser = (account: Account): TestUser => ({
  id: account.id,
  email: account.email,
  claims: { role: 'authenticated', sub: account.id, email: account.email },
})

/** The organizer's page for one event and its CSV export, over HTTP against the built app. */
describeEachDatabase("the organizer's event page", (kind) => {
  const { server, database } = useTestServer(kind, {}, { now: () => NOW })
  let organizer: Account
  let cookie: string
  let eventId: string
  let slug: string
  let orderIds: { grace: string; tricky: string }
  beforeAll(async () => {
    organizer = await signUp(server, 'organizer')
    cookie = await browserCookie(server, organizer.email)
    const { event, tiers } = await eventWithTiers(
      database.db,
      [
        { name: 'General', quantity: 1000 },
        { name: 'VIP', price: 5000, quantity: 10 },
      ],
      { title: 'Spring Runway' },
      asTestUser(organizer),
    )
    eventId = event.id
    slug = event.slug
    const [general, vip] = tiers
    const grace = await recordOrder(database.db, eventId, {
      status: 'confirmed',
      lines: [{ tier: vip!, quantity: 2 }],
      fee: 500,
      buyer: { name: 'Grace Hopper', email: 'grace@navy.example' },
    })
    await recordOrder(database.db, eventId, { status: 'pending', lines: [{ tier: vip!, quantity: 1 }] })
    await recordOrder(database.db, eventId, {
      status: 'refunded',
      lines: [{ tier: vip!, quantity: 1 }],
      buyer: { name: 'Alan Turing', email: 'alan@example.test' },
    })
    const tricky = await recordOrder(database.db, eventId, {
      status: 'confirmed',
      lines: [{ tier: general!, quantity: 1 }],
      buyer: { name: '=HYPERLINK("https://evil.example","x")', email: 'eve@example.test' },
      holders: ['Lovelace, "Ada"\nCountess'],
    })
    // Enough tickets for two pages, and for the export to take more than one batch.
    for (let index = 0; index < 11; index += 1) {
      await recordOrder(database.db, eventId, {
        status: 'confirmed',
        lines: [{ tier: general!, quantity: 50 }],
        buyer: { name: `Group ${index}`, email: `group${index}@example.test` },
      })
    }
    orderIds = { grace: grace.orderId, tricky: tricky.orderId }
  })

  /** A page as a browser signed in with `withCookie` gets it (null: signed out). */
  const get = async (path: string, withCookie: string | null = cookie) => {
    const response = await fetch(`${server.url}${path}`, {
      headers: { 'accept-language': 'en', ...(withCookie ? { cookie: withCookie } : {}) },
      redirect: 'manual',
    })
    return { status: response.status, response, body: await response.text() }
  }

  it('shows the status, the public link to copy, sales per tier, revenue and the actions', async () => {
    const { status, body, response } = await get(`/events/${eventId}`)
    expect(status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('private, no-store')
    expect(body).toContain('<h1>Spring Runway</h1>')
    expect(body).toContain('>Live<')
    expect(body).toContain('id="public-link"')
    expect(body).toContain(`value="${server.app.config.APP_URL}/e/${slug}"`)
    // 2 VIP and 551 General sold, 1 VIP held.
    expect(body).toMatch(/<dt>Sold<\/dt><dd>553<\/dd>/)
    expect(body).toMatch(/<dt>Held for payment<\/dt><dd>1<\/dd>/)
    expect(body).toMatch(
      /VIP.*?€50\.00<\/td><td class="manage__number">2<\/td><td class="manage__number">1<\/td><td class="manage__number">7<span class="manage__sub">of 10<\/span><\/td>/s,
    )
    expect(body).toMatch(/<dt>Gross<\/dt><dd>€100\.00<\/dd>/)
    expect(body).toMatch(/<dt>Platform fee<\/dt><dd>€5\.00<\/dd>/)
    expect(body).toMatch(/<dt>Net<\/dt><dd>€95\.00<\/dd>/)
    expect(body).toMatch(/<dt>Refunded<\/dt><dd>€50\.00<\/dd>/)
    expect(body).toContain('Orders: 13 confirmed · 1 waiting for payment · 1 refunded')
    expect(body).toMatch(/<dt>Left<\/dt><dd>456<\/dd>/)
    expect(body).toContain(`href="/events/${eventId}/check-in"`)
    expect(body).toContain(`href="/events/${eventId}/attendees.csv"`)
    expect(body).toContain(`href="/e/${slug}"`)
  })

  it('lists attendees by pages of 25 with links that work without JavaScript, and finds them with a GET search', async () => {
    const first = await get(`/events/${eventId}`)
    expect(first.body).toContain('1–25 of 554')
    expect(first.body).toContain('Page 1 of 23')
    expect(first.body).toContain(`<a rel="next" data-discover="true" href="/events/${eventId}?page=2">Next</a>`)
    expect(first.body).not.toContain('rel="prev"')
    expect(first.body).toContain('Grace Hopper')
    expect(first.body).toContain(`href="/orders/${orderIds.grace}"`)

    const last = await get(`/events/${eventId}?page=23`)
    expect(last.body).toContain('551–554 of 554')
    expect(last.body).toContain(`<a rel="prev" data-discover="true" href="/events/${eventId}?page=22">Previous</a>`)
    expect(last.body).not.toContain('rel="next"')

    const searched = await get(`/events/${eventId}?q=${encodeURIComponent('TURING')}`)
    expect(searched.body).toContain('1–1 of 1')
    expect(searched.body).toContain('Alan Turing')
    expect(searched.body).toContain('>Void<')
    expect(searched.body).not.toContain('Grace Hopper')
    expect(searched.body).toContain('value="TURING"')

    const groups = await get(`/events/${eventId}?q=group&page=2`)
    expect(groups.body).toContain('26–50 of 550')
    expect(groups.body).toContain(`href="/events/${eventId}?q=group&amp;page=3">Next</a>`)
    expect(groups.body).toContain(`href="/events/${eventId}?q=group&amp;page=1">Previous</a>`)

    // A percent sign is only itself, not "anything".
    expect((await get(`/events/${eventId}?q=${encodeURIComponent('%')}`)).body).toContain('No attendee matches “%”.')
    const tooLong = await get(`/events/${eventId}?q=${'x'.repeat(101)}`)
    expect(tooLong.status).toBe(200)
    expect(tooLong.body).toContain('Search with at most 100 characters.')
    // Not a page number: the first page.
    expect((await get(`/events/${eventId}?page=abc`)).body).toContain('1–25 of 554')
  })

  it('exports every attendee as a streamed CSV attachment, escaped and safe to open in a spreadsheet', async () => {
    const response = await fetch(`${server.url}/events/${eventId}/attendees.csv`, { headers: { cookie } })
    const body = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await response.arrayBuffer())
    const status = response.status
    expect(status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${slug}-attendees.csv"`)
    expect(response.headers.get('cache-control')).toBe('private, no-store')
    // Streamed: no length known up front.
    expect(response.headers.get('content-length')).toBeNull()
    expect(body.startsWith('\uFEFFTicket code,Attendee,Ticket type,Ticket status,Checked in at (Europe/Paris),Buyer,')).toBe(true)
    const lines = body.slice(1).trimEnd().split('\r\n')
    expect(lines).toHaveLength(1 + 554)
    expect(body).toContain(
      `,"Lovelace, ""Ada""\nCountess",General,valid,,"'=HYPERLINK(""https://evil.example"",""x"")",eve@example.test,${orderIds.tricky},confirmed,`,
    )
    expect(lines.filter((line) => line.includes(',Alan Turing,'))).toEqual([expect.stringContaining(',VIP,void,,Alan Turing,alan@example.test,')])
  })

  it('answers 404 to a stranger, an organization outsider, a missing event and a bad id; sends a signed-out visitor to sign in', async () => {
    const stranger = await signUp(server, 'stranger')
    const strangerCookie = await browserCookie(server, stranger.email)
    for (const path of [
      `/events/${eventId}`,
      `/events/${eventId}/attendees.csv`,
      '/events/00000000-0000-4000-8000-000000000000',
      '/events/not-an-id',
      '/events/not-an-id/attendees.csv',
    ]) {
      const answer = await get(path, strangerCookie)
      expect({ path, status: answer.status }).toEqual({ path, status: 404 })
      expect(answer.body).not.toContain('Grace Hopper')
      expect(answer.body).not.toContain('grace@navy.example')
    }
    const signedOut = await get(`/events/${eventId}/attendees.csv`, null)
    expect(signedOut.status).toBe(302)
    expect(signedOut.response.headers.get('location')).toBe(`/sign-in?${new URLSearchParams({ redirectTo: `/events/${eventId}/attendees.csv` })}`)
  })

  it("shows an organization's event to each of its members", async () => {
    const owner = await signUp(server, 'owner')
    const member = await signUp(server, 'member')
    const organization = await createOrganization(database.db, asTestUser(owner), [{ user: asTestUser(member), role: 'member' }])
    const { event, tiers } = await eventWithTiers(
      database.db,
      [{ name: 'Studio' }],
      { organizationId: organization.id, title: 'Studio Night' },
      asTestUser(owner),
    )
    await recordOrder(database.db, event.id, {
      status: 'confirmed',
      lines: [{ tier: tiers[0]!, quantity: 1 }],
      buyer: { name: 'Mary Shelley', email: 'mary@example.test' },
    })
    const memberCookie = await browserCookie(server, member.email)
    const page = await get(`/events/${event.id}`, memberCookie)
    expect(page.status).toBe(200)
    expect(page.body).toContain('Mary Shelley')
    expect((await get(`/events/${event.id}/attendees.csv`, memberCookie)).body).toContain('mary@example.test')
    // The organizer of the first event is not in this organization.
    expect((await get(`/events/${event.id}`)).status).toBe(404)
  })

  it('refunds or cancels an order after a confirmation, for owners and admins; a member is told no and nothing changes', async () => {
    const owner = await signUp(server, 'refunder')
    const member = await signUp(server, 'door-staff')
    const organization = await createOrganization(database.db, asTestUser(owner), [{ user: asTestUser(member), role: 'member' }])
    const { event, tiers } = await eventWithTiers(
      database.db,
      [{ name: 'Studio' }],
      { organizationId: organization.id, title: 'Studio Night' },
      asTestUser(owner),
    )
    const { orderId } = await recordOrder(database.db, event.id, {
      status: 'confirmed',
      lines: [{ tier: tiers[0]!, quantity: 2 }],
      buyer: { name: 'Mary Shelley', email: 'mary@example.test' },
    })
    const ownerCookie = await browserCookie(server, owner.email)
    const memberCookie = await browserCookie(server, member.email)

    const list = await get(`/events/${event.id}`, ownerCookie)
    expect(list.body).toContain(`?refund=${orderId}#refund`)
    const confirmation = await get(`/events/${event.id}?refund=${orderId}`, ownerCookie)
    expect(confirmation.body).toContain('Cancel this order?')
    expect(confirmation.body).toContain('2 tickets of Mary Shelley (mary@example.test)')

    const path = `/events/${event.id}?index&refund=${orderId}`
    const refused = await postForm(server, path, { orderId }, { cookie: memberCookie })
    expect(refused.status).toBe(403)
    expect(await refused.text()).toContain('Only the event&#x27;s publisher and its organization&#x27;s owners and admins can refund orders.')
    expect((await postForm(server, path, { orderId: 'not-an-order' }, { cookie: ownerCookie })).status).toBe(400)
    expect((await salesOf(database.db, event.id)).orders[0]).toMatchObject({ status: 'confirmed' })

    const cancelled = await postForm(server, path, { orderId }, { cookie: ownerCookie })
    expect({ status: cancelled.status, location: cancelled.headers.get('location') }).toEqual({ status: 303, location: `/events/${event.id}?done=cancelled` })
    expect((await get(`/events/${event.id}?done=cancelled`, ownerCookie)).body).toContain('The order was cancelled; its seats are free again.')
    const sales = await salesOf(database.db, event.id)
    expect(sales.orders[0]).toMatchObject({ status: 'cancelled' })
    expect(sales.tickets.map((ticket) => ticket.status)).toEqual(['void', 'void'])
    // Ended, the order offers nothing more.
    expect((await get(`/events/${event.id}?refund=${orderId}`, ownerCookie)).body).not.toContain('Cancel this order?')
  })

  it('is linked from the dashboard as "Manage"', async () => {
    const dashboard = await get('/')
    expect(dashboard.body).toMatch(new RegExp(`href="/events/${eventId}">Manage<span class="sr-only"> Spring Runway</span>`))
  })

  it('serves events.sales and events.attendees to the typed API: the same figures, NOT_FOUND to others, clear BAD_REQUESTs', async () => {
    const sales = await organizer.api.events.sales.query({ eventId })
    expect(sales.totals).toEqual({ sold: 553, held: 1, left: 456, capacity: null })
    expect(sales.revenue).toEqual([{ currency: 'EUR', gross: 10_000, fee: 500, net: 9_500, refunded: 5_000 }])
    const page = await organizer.api.events.attendees.query({ eventId, search: 'grace', limit: 10 })
    expect(page).toMatchObject({ total: 2, page: 1, pageSize: 10, pageCount: 1 })
    expect(page.attendees.map((attendee) => attendee.buyerEmail)).toEqual(['grace@navy.example', 'grace@navy.example'])

    const stranger = await signUp(server, 'api-stranger')
    expect((await failureOf(stranger.api.events.sales.query({ eventId }))).data).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404 })
    expect((await failureOf(stranger.api.events.attendees.query({ eventId }))).data).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404 })
    expect((await failureOf(apiClient(server.url).events.sales.query({ eventId }))).data?.code).toBe('UNAUTHORIZED')
    expect((await failureOf(apiClient(server.url).events.attendees.query({ eventId }))).data?.code).toBe('UNAUTHORIZED')
    const bad: [() => Promise<unknown>, { path: string; message: string }[]][] = [
      [() => organizer.api.events.sales.query({ eventId: 'not-a-uuid' }), [{ path: 'eventId', message: 'Give the id of an event.' }]],
      [() => organizer.api.events.attendees.query({ eventId, limit: 101 }), [{ path: 'limit', message: 'Ask for at most 100 attendees a page.' }]],
      [() => organizer.api.events.attendees.query({ eventId, limit: 0 }), [{ path: 'limit', message: 'Ask for at least one attendee.' }]],
      [() => organizer.api.events.attendees.query({ eventId, page: 0 }), [{ path: 'page', message: 'Pages are numbered from 1.' }]],
      [
        () => organizer.api.events.attendees.query({ eventId, search: 'a\u0000b' }),
        [{ path: 'search', message: 'Remove the NUL character or the broken Unicode character from this text.' }],
      ],
    ]
    for (const [attempt, issues] of bad) {
      const error = await failureOf(attempt())
      expect(error.data).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400, issues })
    }
  })
})
