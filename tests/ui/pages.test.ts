import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { beforeAll, describe, expect, it } from 'vitest'
import { EventPage } from '../../app/components/event-page'
import { type EventPageInput, formatPrice, pickLocale, presentEvent } from '../../app/lib/event-presentation'
import { type StageId, stageIds } from '../../server/wizard/stages'
import { describeEachDatabase } from '../support/databases'
import { type Api, browserCookie, signUp } from '../support/organizers'
import { postForm, type TestServer, useTestServer } from '../support/server'
import { validStageData } from '../support/wizard-fixtures'

const LOCALE = 'en-US'
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'

/** Every stage the organizer fills in, saved strictly and continued, until `until` is the current stage. */
async function fillThrough(api: Api, sessionId: string, until: StageId) {
  const data = validStageData(new Date())
  for (const stage of stageIds.slice(0, stageIds.indexOf(until))) {
    if (stage in data) {
      await api.wizard.merge.mutate({ sessionId, stage, data: data[stage as keyof typeof data] as Record<string, unknown>, validate: 'strict' })
    }
    await api.wizard.transition.mutate({ sessionId, from: stage, to: stageIds[stageIds.indexOf(stage) + 1]! })
  }
}

/** What a browser in the US sees of a page (no JavaScript needed: the HTML is the page). */
async function page(server: TestServer, path: string, cookie?: string) {
  const response = await fetch(`${server.url}${path}`, {
    headers: { 'accept-language': `${LOCALE},en;q=0.8`, ...(cookie ? { cookie } : {}) },
    redirect: 'manual',
  })
  return { response, html: await response.text() }
}

/*
 * The dashboard and the public event page, as HTML from the production build through the real Express
 * app: a published event's page, its 404s, the dashboard's lists, and "Create event" without JavaScript.
 */
describeEachDatabase('the dashboard and the public event page', (kind) => {
  const { server } = useTestServer(kind)
  let api: Api
  let cookie: string
  let event: { eventId: string; slug: string }
  let draft: { sessionId: string; stage: string; percentage: number }

  beforeAll(async () => {
    const organizer = await signUp(server, 'pages')
    api = organizer.api
    cookie = await browserCookie(server, organizer.email)

    const published = await api.wizard.create.mutate({ fresh: true })
    await fillThrough(api, published.sessionId, 'reviewPublish')
    event = await api.wizard.publish.mutate({ sessionId: published.sessionId })

    // An unfinished wizard: organizer done, the event's title typed (a draft), the rest to do.
    const unfinished = await api.wizard.create.mutate({ fresh: true })
    await fillThrough(api, unfinished.sessionId, 'eventSetup')
    const state = await api.wizard.merge.mutate({
      sessionId: unfinished.sessionId,
      stage: 'eventSetup',
      data: { title: 'Winter Pop-up Market' },
    })
    draft = { sessionId: unfinished.sessionId, stage: state.currentStage, percentage: state.progress.percentage }
  })

  it('shows a published event: dates in its time zone, venue, free tiers, meta tags, never the meeting URL', async () => {
    const { response, html } = await page(server, `/e/${event.slug}`)
    expect(response.status).toBe(200)
    const fixture = validStageData(new Date())
    const [mine] = (await api.events.mine.query()).filter((row) => row.id === event.eventId)
    const startsAt = mine!.startsAt
    const endsAt = mine!.endsAt!

    expect(html).toContain('<h1 class="event-page__title">Autumn Collection Show</h1>')
    expect(html).toContain('Fashion show')
    // 19:00–23:00 on the fixture's day in Paris, whatever zone this machine or the server is in.
    const [year, month, day] = fixture.eventSetup.date.split('-').map(Number) as [number, number, number]
    const dayInWords = new Intl.DateTimeFormat(LOCALE, { timeZone: 'UTC', weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }).format(
      new Date(Date.UTC(year, month - 1, day, 12)),
    )
    const time = (at: Date) => new Intl.DateTimeFormat(LOCALE, { timeZone: 'Europe/Paris', hour: 'numeric', minute: '2-digit' }).format(at)
    expect(time(startsAt)).toMatch(/^7:00\sPM$/)
    expect(html).toContain(dayInWords)
    expect(html).toContain(`${time(startsAt)} – ${time(endsAt)}`)
    expect(html).toContain('(Europe/Paris)')
    expect(html).toContain(`dateTime="${startsAt.toISOString()}"`)

    for (const line of ['Salle Pleyel', '252 Rue du Faubourg Saint-Honoré', '75008 Paris', 'France']) expect(html).toContain(line)
    expect(html).toContain('Also streamed online')
    expect(html).toContain('General admission')
    expect(html).toMatch(/event-page__price--free">Free</)
    expect(html).not.toContain('Press') // a hidden tier
    expect(html).toMatch(/<img[^>]+src="https:\/\/images\.example\.com\/autumn-cover\.jpg"[^>]+alt="Cover image of Autumn Collection Show"/)
    expect(html).toMatch(/<a[^>]+href="https:\/\/maison-textile\.example"[^>]+rel="noopener noreferrer"/)

    expect(html).toContain('<title>Autumn Collection Show · Event Wizard</title>')
    expect(html).toContain('<meta property="og:title" content="Autumn Collection Show"/>')
    expect(html).toContain('<meta property="og:type" content="website"/>')
    expect(html).toContain(`<meta property="og:url" content="${server.app.config.APP_URL}/e/${event.slug}"/>`)
    expect(html).toContain('<meta property="og:image" content="https://images.example.com/autumn-cover.jpg"/>')
    expect(html).toContain('<meta name="description" content="Twenty looks from the new collection, with music."/>')

    expect(html).not.toContain('meet.example.com')
    expect(html).not.toMatch(/\sstyle=/) // the CSP allows no inline styles
  })

  it('answers 404 with "Page not found" for an unknown slug', async () => {
    for (const slug of ['no-such-event', 'x'.repeat(300)]) {
      const { response, html } = await page(server, `/e/${slug}`)
      expect(response.status).toBe(404)
      expect(html).toContain('Page not found')
    }
  })

  it('lists the event and the unfinished wizard on the dashboard, with progress and a Resume link', async () => {
    const { response, html } = await page(server, '/', cookie)
    expect(response.status).toBe(200)
    expect(html).toContain('Your events')
    expect(html).toContain('Autumn Collection Show')
    expect(html).toContain('Live')
    expect(html).toContain(`href="/e/${event.slug}"`)

    expect(html).toContain('Unfinished wizards')
    expect(html).toContain('Winter Pop-up Market')
    expect(draft.percentage).toBeGreaterThan(0)
    expect(draft.percentage).toBeLessThan(100)
    expect(html).toMatch(new RegExp(`<progress[^>]*value="${draft.percentage}"`))
    expect(html).toContain(`${draft.percentage}% complete`)
    expect(html).toContain('Step 2 of 7: Your event')
    expect(html).toMatch(new RegExp(`href="/wizard/${draft.sessionId}/${draft.stage}">Resume`))
    expect(html).toMatch(/Last edited <time[^>]*>(just now|\d+ minutes? ago)</)
    expect(html).not.toMatch(/\sstyle=/)
  })

  it('creates an event from a plain form post and redirects to the first stage of a fresh wizard', async () => {
    // The button's form posts to the index route, as a browser without JavaScript would.
    const { html } = await page(server, '/', cookie)
    expect(html).toMatch(/<form method="post" action="\/\?index"[^>]*>\s*<button type="submit"[^>]*>Create event<\/button>/)
    const before = await api.wizard.list.query()
    const response = await postForm(server, '/?index', {}, { cookie })
    expect(response.status).toBe(302)
    const location = response.headers.get('location') ?? ''
    expect(location).toMatch(new RegExp(`^/wizard/${UUID}/organizerSetup$`))
    const after = await api.wizard.list.query()
    expect(after.length).toBe(before.length + 1)
    expect(after.map((wizard) => wizard.sessionId)).toContain(location.split('/')[2])

    // The same post from another site is refused before it reaches the action.
    expect((await postForm(server, '/?index', {}, { cookie, origin: 'https://evil.example' })).status).toBe(403)
    expect((await api.wizard.list.query()).length).toBe(after.length)
    // Signed out, it goes to sign-in first.
    const signedOut = await postForm(server, '/?index', {})
    expect(signedOut.status).toBe(302)
    expect(signedOut.headers.get('location')).toMatch(/^\/sign-in\?redirectTo=/)
  })

  it('discards a draft from the dashboard with a plain form post; an unknown button is a 400', async () => {
    const doomed = await api.wizard.create.mutate({ fresh: true })
    const { html } = await page(server, '/', cookie)
    expect(html).toContain(`name="sessionId" value="${doomed.sessionId}"`)
    const response = await postForm(server, '/?index', { intent: 'discard', sessionId: doomed.sessionId }, { cookie })
    expect(response.status).toBe(302)
    expect((await api.wizard.list.query()).map((wizard) => wizard.sessionId)).not.toContain(doomed.sessionId)
    expect((await postForm(server, '/?index', { intent: 'explode' }, { cookie })).status).toBe(400)
    expect((await postForm(server, '/?index', { intent: 'discard', sessionId: 'not-a-uuid' }, { cookie })).status).toBe(400)
  })

  it('answers 400 to a button the stage page does not have, and writes nothing', async () => {
    const { sessionId } = await api.wizard.create.mutate({ fresh: true })
    const before = await api.wizard.get.query({ sessionId })
    for (const intent of ['explode', 'goto:nowhere', 'goto:', 'discard']) {
      const response = await postForm(server, `/wizard/${sessionId}/organizerSetup`, { intent, name: 'Ada Martin' }, { cookie })
      expect(response.status).toBe(400)
    }
    expect((await api.wizard.get.query({ sessionId })).version).toBe(before.version)
  })

  it('shows a signed-out visitor the landing page with links to sign in and create an account', async () => {
    const { response, html } = await page(server, '/')
    expect(response.status).toBe(200)
    expect(html).toMatch(/<a[^>]+href="\/sign-in"[^>]*>Sign in<\/a>/)
    expect(html).toMatch(/<a[^>]+href="\/sign-up"[^>]*>Create account<\/a>/)
    expect(html).not.toContain('Unfinished wizards')
  })

  it('takes the page down after events.unpublish: 404, and the dashboard says so', async () => {
    await api.events.unpublish.mutate({ eventId: event.eventId })
    const { response, html } = await page(server, `/e/${event.slug}`)
    expect(response.status).toBe(404)
    expect(html).toContain('Page not found')
    expect(html).not.toContain('Autumn Collection Show')

    const dashboard = await page(server, '/', cookie)
    expect(dashboard.html).toContain('Unpublished')
    expect(dashboard.html).not.toContain(`href="/e/${event.slug}"`)
  })
})

describe('presenting an event', () => {
  const base: EventPageInput = {
    title: 'Night Market',
    type: 'popup',
    description: null,
    startsAt: '2031-03-14T21:00:00.000Z',
    endsAt: '2031-03-15T06:00:00.000Z',
    timezone: 'America/New_York',
    venueMode: 'virtual',
    venue: null,
    coverImageUrl: 'http://insecure.example/cover.jpg',
    sponsors: [
      { name: 'Secure Co', url: 'https://secure.example' },
      { name: 'Plain Co', url: 'http://plain.example' },
      { name: 'Script Co', url: 'javascript:alert(1)' },
    ],
    tiers: [
      { name: 'Supporter', price: 1999, currency: 'EUR' },
      { name: 'Yen', price: 500, currency: 'JPY' },
      { name: 'Dinar', price: 1234, currency: 'KWD' },
      { name: 'Free', price: 0, currency: 'USD' },
    ],
  }

  it('formats prices from minor units with the currency’s own fraction digits, and 0 as Free', () => {
    const [euro, yen, dinar, free] = presentEvent(base, { locale: 'en-US' }).tiers.map((tier) => tier.price)
    expect([euro, yen, free]).toEqual(['€19.99', '¥500', 'Free'])
    expect(dinar).toMatch(/^KWD\s1\.234$/)
    expect(formatPrice(1999, 'EUR', 'de-DE')).toMatch(/^19,99\s€$/)
    expect(formatPrice(1999, 'EURO', 'en')).toBe('19.99 EURO')
  })

  it('shows an evening that runs past midnight across two days, in the event’s zone, and an online place', () => {
    const event = presentEvent(base, { locale: 'en-US' })
    expect(event.when.startDate).toBe('Friday, March 14, 2031')
    expect(event.when.endDate).toBe('Saturday, March 15, 2031')
    expect(event.when.endTime).toMatch(/^2:00\sAM$/)
    expect(event.when.startTime).toMatch(/^5:00\sPM$/)
    expect(event.when.zoneName).toBe('Eastern Daylight Time')
    expect(event.place).toEqual({ online: true, venue: null, summary: 'Online' })
    expect(event.typeLabel).toBe('Pop-up')
    expect(event.summary).toContain('Pop-up on Friday, March 14, 2031')
    expect(event.summary).toContain('Online.')
  })

  it('handles no end time, clips a long description, and links only https sponsors', () => {
    const event = presentEvent({ ...base, endsAt: null, description: `${'Runway '.repeat(40)}finale` }, { locale: 'en-GB' })
    expect(event.when).toMatchObject({ endIso: null, endDate: null, endTime: null })
    expect(event.when.startDate).toMatch(/^Friday,? 14 March 2031$/)
    expect(event.summary.length).toBeLessThanOrEqual(160)
    expect(event.summary.endsWith('…')).toBe(true)
    expect(event.coverImage).toBeNull()
    expect(event.sponsors.map((sponsor) => sponsor.href)).toEqual(['https://secure.example', null, null])

    const html = renderToStaticMarkup(createElement(EventPage, { event, headingLevel: 2 }))
    expect(html).toContain('Starts at 17:00') // en-GB: a 24-hour clock
    expect(html).toContain('<h2 class="event-page__title">Night Market</h2>')
    expect(html).not.toContain('<h1')
    expect(html).not.toContain('http://plain.example')
    expect(html).not.toContain('javascript:')
    expect(html).not.toContain('<img')
  })

  it('picks the visitor’s locale from Accept-Language, or English', () => {
    expect(pickLocale('fr-CH, fr;q=0.9, en;q=0.8')).toBe('fr-CH')
    expect(pickLocale('en;q=0.5, de-DE')).toBe('de-DE')
    expect(pickLocale('*')).toBe('en')
    expect(pickLocale('!!, ;q=x')).toBe('en')
    expect(pickLocale(null)).toBe('en')
  })
})
