import { type ActionFunctionArgs, data, type LinksFunction, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { z } from 'zod'
import { stageIds } from '../../server/wizard/stages'
import { stageTitles } from '../components/wizard/stage-titles'
import { callerFor } from '../lib/caller.server'
import { eventTypeLabel, pickLocale } from '../lib/event-presentation'
import { eventStatusLabels } from '../lib/event-status'
import { refusedWith } from '../lib/form-errors.server'
import { forwardActionHeaders } from '../lib/headers'
import { dateTimeFormat, relativeTimeFormat } from '../lib/intl-formats'
import { getUser, requireUser } from '../lib/session.server'
import dashboardCss from '../styles/dashboard.css?url'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: dashboardCss }]

export const meta: MetaFunction = () => [
  { title: 'Event Wizard' },
  { name: 'description', content: 'Create and publish fashion shows, pop-ups, exhibitions and launches, step by step.' },
]

export const headers = forwardActionHeaders

/** "just now", "5 minutes ago", "yesterday" — or the date, past a week (the page's words are English). */
function lastEdited(at: Date, now: Date, locale: string): string {
  const seconds = Math.round((at.getTime() - now.getTime()) / 1000)
  const relative = relativeTimeFormat(locale, { numeric: 'auto' })
  const abs = Math.abs(seconds)
  if (abs < 60) return 'just now'
  if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute')
  if (abs < 86_400) return relative.format(Math.round(seconds / 3600), 'hour')
  if (abs < 7 * 86_400) return relative.format(Math.round(seconds / 86_400), 'day')
  return dateTimeFormat(locale, { dateStyle: 'medium' }).format(at)
}

function eventDates(startsAt: Date, timeZone: string, locale: string) {
  const part = (options: Intl.DateTimeFormatOptions) => dateTimeFormat(locale, { timeZone, ...options }).format(startsAt)
  return {
    month: part({ month: 'short' }),
    day: part({ day: 'numeric' }),
    full: part({
      weekday: 'short',
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      timeZoneName: 'short',
    }),
  }
}

export async function loader(args: LoaderFunctionArgs) {
  const user = await getUser(args)
  if (!user) return { signedIn: false as const }
  const caller = await callerFor(args)
  const [events, wizards, me] = await Promise.all([caller.events.mine(), caller.wizard.list(), caller.auth.me()])
  const locale = pickLocale(args.request.headers.get('accept-language'))
  const now = args.context.app.now()
  const organizationName = new Map(me.organizations.map((organization) => [organization.id, organization.name]))
  return {
    signedIn: true as const,
    // "Create event" asks for whom when there is a choice: just me, or one of these.
    organizations: me.organizations.map((organization) => ({ id: organization.id, name: organization.name })),
    events: events.map((event) => ({
      id: event.id,
      title: event.title,
      slug: event.slug,
      status: event.status,
      type: eventTypeLabel(event.type),
      startIso: event.startsAt.toISOString(),
      date: eventDates(event.startsAt, event.timezone, locale),
      past: (event.endsAt ?? event.startsAt) < now,
      organization: event.organizationId ? (organizationName.get(event.organizationId) ?? null) : null,
    })),
    wizards: wizards.map((wizard) => ({
      sessionId: wizard.sessionId,
      title: wizard.title?.trim() || null,
      percentage: wizard.completionPercentage,
      stage: wizard.currentStage,
      step: stageIds.indexOf(wizard.currentStage) + 1,
      stageLabel: stageTitles[wizard.currentStage].title,
      editedIso: wizard.updatedAt.toISOString(),
      edited: lastEdited(wizard.updatedAt, now, locale),
      editedFull: dateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short' }).format(wizard.updatedAt),
      shared: !wizard.mine,
      organization: wizard.organizationId ? (organizationName.get(wizard.organizationId) ?? null) : null,
    })),
  }
}

/** The dashboard's buttons: a new wizard, or a draft thrown away. */
const DashboardIntent = z.discriminatedUnion('intent', [
  // For whom: nothing (or "") is just me; otherwise one of the user's organizations (RLS decides).
  z.object({ intent: z.literal('create'), organizationId: z.union([z.literal(''), z.uuid()]).optional() }),
  z.object({ intent: z.literal('discard'), sessionId: z.uuid() }),
])

/** "Create event" and "Discard" (post/redirect/get; both work without JavaScript). */
export async function action(args: ActionFunctionArgs) {
  await requireUser(args)
  const form = Object.fromEntries(await args.request.formData())
  const parsed = DashboardIntent.safeParse({ intent: 'create', ...form })
  if (!parsed.success) return data({ error: 'This button is not one of the dashboard’s.' }, { status: 400 })
  try {
    const caller = await callerFor(args)
    if (parsed.data.intent === 'discard') {
      await caller.wizard.abandon({ sessionId: parsed.data.sessionId })
      return redirect('/')
    }
    const organizationId = parsed.data.organizationId || undefined
    const wizard = await caller.wizard.create({ fresh: true, ...(organizationId ? { organizationId } : {}) })
    return redirect(`/wizard/${wizard.sessionId}/${wizard.currentStage}`)
  } catch (error) {
    return refusedWith(error)
  }
}

export default function Home() {
  const loaded = useLoaderData<typeof loader>()
  return loaded.signedIn ? <Dashboard events={loaded.events} wizards={loaded.wizards} organizations={loaded.organizations} /> : <Landing />
}

type DashboardData = Extract<ReturnType<typeof useLoaderData<typeof loader>>, { signedIn: true }>

function Dashboard({ events, wizards, organizations }: Pick<DashboardData, 'events' | 'wizards' | 'organizations'>) {
  const error = useActionData<typeof action>()?.error
  const creating = useNavigation().formAction === '/?index'
  return (
    <main className="page dashboard">
      <div className="dashboard__top">
        <div>
          {/* Someone with nothing here yet has not been here before. */}
          <h1>{wizards.length === 0 && events.length === 0 ? 'Welcome' : 'Welcome back'}</h1>
          <p className="dashboard__lead">
            {wizards.length === 0 && events.length === 0
              ? 'Create your first event: the wizard takes you through it step by step and saves as you go.'
              : 'Pick up a draft where you left it, or start a new event.'}
          </p>
        </div>
        <Form method="post" className="dashboard__create">
          {organizations.length > 0 ? (
            <div className="field dashboard__for">
              <label htmlFor="create-for">For</label>
              <select id="create-for" name="organizationId" defaultValue="">
                <option value="">Just me</option>
                {organizations.map((organization) => (
                  <option key={organization.id} value={organization.id}>
                    {organization.name}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          <button type="submit" name="intent" value="create" className="button button--primary" disabled={creating}>
            {creating ? 'Creating…' : 'Create event'}
          </button>
        </Form>
      </div>
      {error ? (
        <p className="dashboard__error" role="alert">
          {error}
        </p>
      ) : null}

      <section className="dashboard__section" aria-labelledby="wizards-heading">
        <h2 id="wizards-heading">Unfinished wizards</h2>
        {wizards.length === 0 ? (
          <p className="dashboard__empty">
            No drafts in progress. Choose “Create event” to start one — it saves as you go, and you can come back to it for a week.
          </p>
        ) : (
          <ul className="dashboard__list" role="list">
            {wizards.map((wizard) => (
              <WizardCard key={wizard.sessionId} wizard={wizard} />
            ))}
          </ul>
        )}
      </section>

      <section className="dashboard__section" aria-labelledby="events-heading">
        <h2 id="events-heading">Your events</h2>
        {events.length === 0 ? (
          <p className="dashboard__empty">Nothing published yet. When you publish an event, it appears here with a link to its public page to share.</p>
        ) : (
          <ul className="dashboard__list" role="list">
            {events.map((event) => (
              <EventRow key={event.id} event={event} />
            ))}
          </ul>
        )}
      </section>
    </main>
  )
}

function WizardCard({ wizard }: { wizard: DashboardData['wizards'][number] }) {
  const title = wizard.title ?? 'Untitled event'
  const titleId = `wizard-${wizard.sessionId}`
  return (
    <li className="card dashboard__wizard">
      <div className="dashboard__wizard-head">
        <h3 id={titleId} className={wizard.title ? undefined : 'dashboard__untitled'}>
          {title}
        </h3>
        {wizard.shared ? <span className="badge">{wizard.organization ? `Shared · ${wizard.organization}` : 'Shared'}</span> : null}
      </div>
      <div className="dashboard__progress">
        <progress value={wizard.percentage} max={100} aria-labelledby={titleId} />
        <span className="dashboard__percent">{`${wizard.percentage}% complete`}</span>
      </div>
      <p className="dashboard__meta">
        <span>{wizard.step > 0 ? `Step ${wizard.step} of ${stageIds.length}: ${wizard.stageLabel}` : wizard.stageLabel}</span>
        <span>
          {'Last edited '}
          <time dateTime={wizard.editedIso} title={wizard.editedFull}>
            {wizard.edited}
          </time>
        </span>
      </p>
      <div className="dashboard__wizard-actions">
        <Link className="button button--small dashboard__resume" to={`/wizard/${wizard.sessionId}/${wizard.stage}`}>
          Resume<span className="sr-only">{` ${title}`}</span>
        </Link>
        {wizard.shared ? null : (
          <Form method="post">
            <input type="hidden" name="sessionId" value={wizard.sessionId} />
            <button type="submit" name="intent" value="discard" className="button button--small button--quiet">
              Discard<span className="sr-only">{` ${title}`}</span>
            </button>
          </Form>
        )}
      </div>
    </li>
  )
}

function EventRow({ event }: { event: DashboardData['events'][number] }) {
  return (
    <li className="card dashboard__event">
      <time className="dashboard__calendar" dateTime={event.startIso} aria-hidden="true">
        <span className="dashboard__calendar-month">{event.date.month}</span>
        <span className="dashboard__calendar-day">{event.date.day}</span>
      </time>
      <div className="dashboard__event-body">
        <div className="dashboard__wizard-head">
          <h3>{event.title}</h3>
          <span className={`badge dashboard__status dashboard__status--${event.status}`}>{eventStatusLabels[event.status] ?? event.status}</span>
          {event.past ? <span className="badge">Past</span> : null}
        </div>
        <p className="dashboard__meta">
          <span>{event.type}</span>
          <time dateTime={event.startIso}>{event.date.full}</time>
          {event.organization ? <span>{event.organization}</span> : null}
        </p>
        <div className="dashboard__event-links">
          <Link className="button button--small" to={`/events/${event.id}`}>
            Manage<span className="sr-only">{` ${event.title}`}</span>
          </Link>
          {event.status === 'published' ? (
            <Link className="dashboard__public-link" to={`/e/${event.slug}`}>
              View public page<span className="sr-only">{` of ${event.title}`}</span>
            </Link>
          ) : (
            <p className="dashboard__meta">Not visible to the public.</p>
          )}
        </div>
      </div>
    </li>
  )
}

const steps = stageIds.map((id) => stageTitles[id].title)

function Landing() {
  return (
    <main className="page landing">
      <section className="landing__hero">
        <div className="landing__intro">
          <p className="landing__eyebrow">For fashion shows, pop-ups, exhibitions and launches</p>
          <h1>Plan it, publish it, share it — in one guided flow.</h1>
          <p className="landing__lead">
            Event Wizard walks you through everything an event needs, from the venue to ticket tiers, saves as you go, and gives you a public page ready to
            share.
          </p>
          <div className="actions">
            <Link to="/sign-up" className="button button--primary">
              Create account
            </Link>
            <Link to="/sign-in" className="button">
              Sign in
            </Link>
          </div>
        </div>
        <div className="landing__preview" aria-hidden="true">
          <div className="landing__ticket">
            <span className="landing__ticket-type">Fashion show</span>
            <span className="landing__ticket-title">Autumn Collection Show</span>
            <span className="landing__ticket-line">Fri · 7:00 PM – 11:00 PM</span>
            <span className="landing__ticket-line">Salle Pleyel, Paris</span>
            <span className="landing__ticket-bar" />
            <span className="landing__ticket-row">
              <span>General admission</span>
              <strong>Free</strong>
            </span>
            <span className="landing__ticket-row">
              <span>Front row</span>
              <strong>€45.00</strong>
            </span>
          </div>
        </div>
      </section>

      <section className="landing__features" aria-labelledby="features-heading">
        <h2 id="features-heading" className="sr-only">
          What you get
        </h2>
        <div className="card">
          <h3>A wizard that remembers</h3>
          <p>Seven short steps, saved as you type. Stop anytime and resume from your dashboard.</p>
        </div>
        <div className="card">
          <h3>An assistant that fills it in</h3>
          <p>Describe your event in your own words and let the copilot fill in each step for you to check.</p>
        </div>
        <div className="card">
          <h3>A page worth sharing</h3>
          <p>Dates in your event’s time zone, prices in your currency, your venue and sponsors — on one clean page.</p>
        </div>
      </section>

      <section className="landing__steps" aria-labelledby="steps-heading">
        <h2 id="steps-heading">How it works</h2>
        <ol>
          {steps.map((step) => (
            <li key={step}>{step}</li>
          ))}
        </ol>
      </section>
    </main>
  )
}
