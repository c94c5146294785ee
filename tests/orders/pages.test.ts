import superjson from 'superjson'
import { beforeAll, expect, it } from 'vitest'
import { describeEachDatabase } from '../support/databases'
import { browserCookie, signUp } from '../support/organizers'
import { cookiesOf, postForm, useTestServer } from '../support/server'
import { eventWithTiers, NOW, salesOf } from './support'

const MEETING_LINK = 'https://meet.example.test/secret-room'

describeEachDatabase('registering from the event page, without JavaScript', (kind) => {
  const { server, database } = useTestServer(kind, {}, { now: () => NOW })
  let slug: string
  let eventId: string
  let tierIds: { general: string; later: string; gone: string; press: string }
  beforeAll(async () => {
    const { event, tiers } = await eventWithTiers(
      database.db,
      [
        { name: 'General', maxPerOrder: 4 },
        { name: 'Later', salesStart: new Date('2030-09-15T09:00:00Z') },
        { name: 'Gone', quantity: 1, reserved: 1 },
        { name: 'Press', hidden: true },
      ],
      { venueMode: 'hybrid', onlineUrl: MEETING_LINK },
    )
    slug = event.slug
    eventId = event.id
    tierIds = { general: tiers[0]!.id, later: tiers[1]!.id, gone: tiers[2]!.id, press: tiers[3]!.id }
  })

  const register = (fields: Record<string, string>, nonce = crypto.randomUUID()) =>
    postForm(server, `/e/${slug}`, { 'buyer.name': 'Ada Lovelace', 'buyer.email': 'ada@example.test', nonce, ...fields })
  const page = async (path: string, cookie?: string) => {
    const response = await fetch(`${server.url}${path}`, { headers: cookie ? { cookie } : {} })
    return { status: response.status, html: await response.text(), response }
  }

  it('shows each tier with a picker within its limits and seats left, or why it cannot be bought; never the meeting link', async () => {
    const { status, html } = await page(`/e/${slug}`)
    expect(status).toBe(200)
    expect(html).toContain(`name="quantities.${tierIds.general}"`)
    expect(html).toMatch(/<option value="4">4<\/option><\/select>/)
    expect(html).not.toContain('<option value="5">')
    expect(html).toContain('100 left')
    expect(html).toContain('Sales open on')
    expect(html).toContain('Sold out')
    expect(html).not.toContain('Press')
    expect(html).toContain('Register')
    expect(html).not.toContain('secret-room')

    const input = encodeURIComponent(JSON.stringify(superjson.serialize({ slug })))
    const json = await (await fetch(`${server.url}/api/trpc/events.bySlug?input=${input}`)).text()
    expect(json).toContain(tierIds.general)
    expect(json).not.toContain('secret-room')
  })

  it('registers: the order page opens through the cookie, with each ticket, its QR code, the calendar file and the meeting link', async () => {
    const response = await register({ [`quantities.${tierIds.general}`]: '2', [`quantities.${tierIds.gone}`]: '0' })
    expect(response.status).toBe(302)
    const location = response.headers.get('location') ?? ''
    expect(location).toMatch(/^\/orders\/[0-9a-f-]{36}$/)
    const cookie = cookiesOf(response)
    expect(response.headers.getSetCookie().join()).toMatch(/ew_orders=.*HttpOnly/i)

    const order = await page(location, cookie)
    expect(order.status).toBe(200)
    expect(order.response.headers.get('cache-control')).toBe('private, no-store')
    const codes = [...order.html.matchAll(/order-page__code">([A-Z2-9]{16})</g)].map((match) => match[1])
    expect(codes).toHaveLength(2)
    expect(order.html.match(/<svg/g)).toHaveLength(2)
    expect(order.html).toContain(MEETING_LINK)
    expect(order.html).toContain('Add to calendar')

    const calendar = await page(`${location}/calendar.ics`, cookie)
    expect(calendar.status).toBe(200)
    expect(calendar.response.headers.get('content-type')).toMatch(/^text\/calendar/)
    expect(calendar.html).toContain('BEGIN:VEVENT')
    expect(calendar.html).toContain('SUMMARY:Autumn Runway')

    // Another browser, without the cookie or the key, finds nothing; nor does a wrong key.
    for (const path of [location, `${location}?key=wrong`, `${location}/calendar.ics`]) {
      const stranger = await page(path)
      expect(stranger.status).toBe(404)
      expect(stranger.html).not.toContain('secret-room')
    }
    // The event page still never shows the link, even to the buyer.
    expect((await page(`/e/${slug}`, cookie)).html).not.toContain('secret-room')
  })

  it('places one order for a form posted twice (the nonce is its Idempotency-Key)', async () => {
    const before = (await salesOf(database.db, eventId)).orders.length
    const nonce = crypto.randomUUID()
    const fields = { [`quantities.${tierIds.general}`]: '1' }
    const [first, second] = [await register(fields, nonce), await register(fields, nonce)]
    expect(second.headers.get('location')).toBe(first.headers.get('location'))
    expect((await salesOf(database.db, eventId)).orders.length).toBe(before + 1)
  })

  it('refuses with the message beside the tier or above the form, keeping the input, writing nothing', async () => {
    const before = await salesOf(database.db, eventId)
    const tooMany = await register({ [`quantities.${tierIds.general}`]: '5' })
    expect(tooMany.status).toBe(400)
    const tooManyHtml = await tooMany.text()
    expect(tooManyHtml).toContain('Choose at most 4 “General” tickets.')
    expect(tooManyHtml).toMatch(new RegExp(`id="tier-${tierIds.general}"[^>]*aria-invalid="true"`))
    expect(tooManyHtml).toContain('value="Ada Lovelace"')

    const soldOut = await register({ [`quantities.${tierIds.gone}`]: '1' })
    expect(soldOut.status).toBe(409)
    expect(await soldOut.text()).toContain('Sold out: “Gone”.')

    const nothing = await register({ [`quantities.${tierIds.general}`]: '0' })
    expect(nothing.status).toBe(400)
    expect(await nothing.text()).toContain('Choose at least one ticket.')

    const badEmail = await register({ [`quantities.${tierIds.general}`]: '1', 'buyer.email': 'not-an-address' })
    expect(badEmail.status).toBe(400)
    expect(await badEmail.text()).toContain('Use an e-mail address such as name@example.com.')

    const after = await salesOf(database.db, eventId)
    expect({ orders: after.orders.length, reserved: after.reserved }).toEqual({ orders: before.orders.length, reserved: before.reserved })
  })

  it("prefills the signed-in buyer's e-mail and lists their order under My tickets", async () => {
    const account = await signUp(server, 'buyer')
    const cookie = await browserCookie(server, account.email)
    expect((await page(`/e/${slug}`, cookie)).html).toContain(`value="${account.email}"`)
    const response = await postForm(
      server,
      `/e/${slug}`,
      { [`quantities.${tierIds.general}`]: '1', 'buyer.name': 'Ada', 'buyer.email': account.email, nonce: crypto.randomUUID() },
      { cookie },
    )
    expect(response.status).toBe(302)
    const orderPath = response.headers.get('location')!
    const mine = await page('/orders', cookie)
    expect(mine.status).toBe(200)
    expect(mine.html).toContain(`href="${orderPath}"`)
    expect(mine.html).toContain('Confirmed')
    // Signed in, the order page opens by account alone (no order cookie sent).
    expect((await page(orderPath, cookie)).status).toBe(200)
    const signedOut = await fetch(`${server.url}/orders`, { redirect: 'manual' })
    expect(signedOut.status).toBe(302)
    expect(signedOut.headers.get('location')).toMatch(/^\/sign-in/)
  })

  it('opens the order page from the e-mailed key in any browser', async () => {
    const response = await fetch(`${server.url}/api/trpc/orders.place`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        superjson.serialize({ eventId, items: [{ tierId: tierIds.general, quantity: 1 }], buyer: { name: 'Grace', email: 'grace@example.test' } }),
      ),
    })
    const placed = superjson.deserialize<{ orderId: string; accessKey: string }>((await response.json()).result.data)
    const withKey = await page(`/orders/${placed.orderId}?key=${encodeURIComponent(placed.accessKey)}`)
    expect(withKey.status).toBe(200)
    expect(withKey.html).toContain('Grace')
    // The key in the address never reaches another site as a referrer.
    expect(withKey.response.headers.get('referrer-policy')).toBe('same-origin')
  })
})
