import { randomUUID } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { eq } from 'drizzle-orm'
import { afterAll, expect, it } from 'vitest'
import type { DatabaseKind } from '../../db/client'
import { asServiceRole } from '../../db/rls'
import * as schema from '../../db/schema'
import type { StageId } from '../../server/wizard/stages'
import { type CopilotEvent, type CopilotMessage, messagesFromEvents, replyOf, runCopilot, toolResultsOf, userMessage } from '../support/copilot-client'
import { describeEachDatabase } from '../support/databases'
import { signUp } from '../support/organizers'
import { scriptedModel } from '../support/scripted-model'
import { useTestServer } from '../support/server'
import { dayAfter } from '../support/wizard-fixtures'

/** What a copilot tool answers. */
type Answer = { ok?: boolean; error?: string; issues?: { field: string; message: string }[] | Record<string, unknown[]> } & Record<string, unknown>

/**
 * The scripted model's part of one exchange: on the organizer's message it makes these calls one at a
 * time, each only after the one before succeeded, then replies with what the tools answered and `ask`.
 */
interface Turn {
  calls: { toolName: string; input?: unknown }[]
  ask: string
}

/** The cards the browser registers (wizard-copilot.client.tsx): suggestions on every stage, the publish card at the review. */
const card = (name: string) => ({ name, description: 'A card in the chat.', parameters: { type: 'object', properties: {} } })
const browserTools = (stage: StageId) => [
  card('suggestEventDetails'),
  card('suggestTicketTiers'),
  ...(stage === 'reviewPublish' ? [card('confirmPublish')] : []),
]

/** The model's sentence about one tool answer. */
function sentenceOf({ toolName, output }: { toolName: string; output: unknown }): string {
  const answer = output as Answer
  if (answer.ok !== true) {
    const issues = Array.isArray(answer.issues) ? answer.issues.map((issue) => `${issue.field}: ${issue.message}`).join(' ') : ''
    return `Nothing was saved. ${issues || answer.error}`
  }
  if (typeof answer.saved === 'string') return `Saved ${answer.saved} (${answer.progress} done).`
  if (toolName === 'getWizardState') {
    const open = Object.keys(answer.issues ?? {}).filter((stage) => stage !== 'reviewPublish')
    return `You are at ${answer.currentStage}, ${answer.progress} done, payouts ${answer.paymentStatus}; ${open.length === 0 ? 'nothing is missing' : `still open: ${open.join(', ')}`}.`
  }
  return `On to ${answer.currentStage}.`
}

/** The parts of a tool answer the transcript leaves out: the wizard's data, which the chat already shows. */
const unshown = new Set(['ok', 'currentStageData', 'earlierStages', 'lastSavedAt', 'reachedStages', 'published', 'editsLiveEvent'])

/** A tool answer in the transcript: a refusal with its issues, a success in brief. */
function answerLine(answer: Answer | undefined): string {
  if (answer === undefined) return '→ no answer from the server: the browser shows the publish card'
  if (answer.ok !== true) {
    const issues = Array.isArray(answer.issues) ? answer.issues.map((issue) => ` \`${issue.field}\`: ${issue.message}`).join(';') : ''
    return `→ **refused**: ${answer.error}${issues}`
  }
  return `→ ok \`${JSON.stringify(Object.fromEntries(Object.entries(answer).filter(([key]) => !unshown.has(key))))}\``
}

/** One exchange of the transcript, at the stage it started on: the organizer's words, each tool call with its answer, the reply. */
function exchange(stage: StageId, text: string, events: CopilotEvent[]) {
  const messages = messagesFromEvents(events)
  const answers = new Map(messages.flatMap((m) => (m.role === 'tool' ? [[m.toolCallId, JSON.parse(m.content) as Answer]] : [])))
  const calls = messages.flatMap((m) => (m.role === 'assistant' ? (m.toolCalls ?? []) : []))
  const reply = replyOf(events)
  const lines = [
    `**Organizer:** ${text}`,
    ...calls.map((call) => `- \`${call.function.name}\` \`${call.function.arguments}\`\n  ${answerLine(answers.get(call.id))}`),
    ...(reply ? [`**Assistant:** ${reply}`] : []),
  ]
  return { stage, text: lines.join('\n\n') }
}

/** test-results/copilot-transcript-<kind>.md: the exchanges under a heading per stage. */
function writeTranscript(kind: DatabaseKind, exchanges: { stage: StageId; text: string }[]) {
  if (exchanges.length === 0) return
  const parts = [
    `# A whole event through the chat alone (scripted model, ${kind})`,
    'One organizer, one chat thread: every change but the last click is a copilot run. Written by tests/copilot/whole-event.test.ts.',
    ...exchanges.flatMap((part, index) => (exchanges[index - 1]?.stage === part.stage ? [part.text] : [`## ${part.stage}`, part.text])),
  ]
  mkdirSync('test-results', { recursive: true })
  writeFileSync(`test-results/copilot-transcript-${kind}.md`, `${parts.join('\n\n')}\n`)
}

/** `YYYY-MM-DD` as the organizer would write it: 14 May 2026. */
const inWords = (date: string) => new Date(`${date}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })

/*
 * Issue 17, "Done means": a whole event created through the chat alone, stage by stage, with the
 * scripted model behind the real CopilotKit runtime and AI SDK. The organizer only types; the model
 * saves each stage and continues; two saves are refused (a date last year, a venue without its city) and
 * corrected in the next message. The one step the chat cannot take is the click on the publish card.
 */
describeEachDatabase('a whole event through the chat alone', (kind) => {
  let turn: Turn = { calls: [], ask: '' }
  const scripted = scriptedModel((call) => {
    const last = call.toolResults.at(-1)?.output as Answer | undefined
    const next = turn.calls[call.toolResults.length]
    if (next && (last === undefined || last.ok === true)) return { toolCalls: [{ toolName: next.toolName, input: next.input ?? {} }] }
    return { text: [...call.toolResults.map(sentenceOf), turn.ask].join(' ') }
  })
  const { server, database } = useTestServer(kind, {}, { copilotModel: scripted.model })
  const transcript: ReturnType<typeof exchange>[] = []
  afterAll(() => writeTranscript(kind, transcript))

  it('fills every stage from plain messages, refuses two saves and takes their corrections, and ends ready to publish', async () => {
    const organizer = await signUp(server, 'whole-event')
    // The wizard the organizer starts from the dashboard (its "Create event" button): the one write before the chat.
    const { sessionId } = await organizer.api.wizard.create.mutate({ fresh: true })
    const headers = { authorization: `Bearer ${organizer.token}`, 'x-wizard-session': sessionId }
    const wizard = () => organizer.api.wizard.get.query({ sessionId })
    const threadId = randomUUID()
    let history: CopilotMessage[] = []

    /** The organizer's message and the model's turn, in the thread so far; the run, the tool answers and the wizard before and after. */
    async function say(text: string, modelTurn: Turn) {
      turn = modelTurn
      const before = await wizard()
      const messages = [...history, userMessage(text)]
      const run = await runCopilot(server, { headers, threadId, messages, tools: browserTools(before.currentStage) })
      expect(run.status).toBe(200)
      expect(run.events.some((event) => event.type === 'RUN_ERROR')).toBe(false)
      expect(run.events.at(-1)?.type).toBe('RUN_FINISHED')
      history = [...messages, ...messagesFromEvents(run.events)]
      transcript.push(exchange(before.currentStage, text, run.events))
      return { before, after: await wizard(), results: toolResultsOf(run.events), run }
    }

    /** A stage saved and continued: both answers, the data stored as sent, two versions on, the next stage current. */
    async function saveAndContinue(text: string, stage: StageId, toolName: string, data: Record<string, unknown>, next: StageId, ask: string) {
      const { before, after, results } = await say(text, { calls: [{ toolName, input: data }, { toolName: 'continueToNextStage' }], ask })
      expect(before.currentStage).toBe(stage)
      expect(results).toEqual([
        { toolName, result: { ok: true, saved: stage, progress: `${after.progress.percentage}%`, nextStage: next } },
        { toolName: 'continueToNextStage', result: { ok: true, currentStage: next, progress: `${after.progress.percentage}%` } },
      ])
      expect(after.data[stage]).toEqual(data)
      expect(after.issues[stage]).toEqual([])
      expect(after.completedStages).toContain(stage)
      expect(after).toMatchObject({ currentStage: next, version: before.version + 2 })
      expect(after.progress.percentage).toBeGreaterThan(before.progress.percentage)
    }

    /** A save refused: its issue names `field`, nothing is stored, the version and the stage stay, and the model does not continue. */
    async function refusedSave(text: string, stage: StageId, toolName: string, data: Record<string, unknown>, field: string, ask: string) {
      const { before, after, results } = await say(text, { calls: [{ toolName, input: data }, { toolName: 'continueToNextStage' }], ask })
      expect(before.currentStage).toBe(stage)
      expect(results).toHaveLength(1)
      expect(results[0]).toMatchObject({ toolName, result: { ok: false, issues: [expect.objectContaining({ field })] } })
      expect(after).toEqual(before)
      expect(after.data[stage]).toBeUndefined()
      return results[0]!.result
    }

    const now = new Date()
    const date = dayAfter(now, 60)
    const lastYear = new Date(`${date}T00:00:00Z`)
    lastYear.setUTCFullYear(lastYear.getUTCFullYear() - 1)
    const organizerDetails = { name: 'Ada Martin', organization: 'Atelier Martin', email: 'ada@atelier-martin.example' }
    const event = {
      title: 'Spring Atelier Launch',
      type: 'launch',
      description: 'The new spring pieces, shown by the people who made them.',
      date,
      startTime: '19:00',
      endTime: '22:00',
      timezone: 'Europe/Paris',
    }
    const venue = {
      mode: 'physical',
      venue: { name: 'Salle Pleyel', address: '252 Rue du Faubourg Saint-Honoré', city: 'Paris', postalCode: '75008', country: 'FR', capacity: 300 },
    }
    const tickets = {
      tiers: [
        { name: 'General admission', price: 0, currency: 'EUR', quantity: 250 },
        { name: 'Press', price: 0, currency: 'EUR', quantity: 50 },
      ],
    }
    const media = {
      coverImageUrl: 'https://images.example.com/spring-atelier.jpg',
      sponsors: [{ name: 'Maison Textile', url: 'https://maison-textile.example', level: 'Gold' }],
    }

    await saveAndContinue(
      "Hi! I'm Ada Martin from Atelier Martin, you can reach me at ada@atelier-martin.example.",
      'organizerSetup',
      'saveOrganizerDetails',
      organizerDetails,
      'eventSetup',
      'Now the event: what is it called, what kind of event is it, and when?',
    )

    // Refused: the organizer gave last year's date. The core refuses it by field; nothing is written.
    const pastDate = { ...event, date: lastYear.toISOString().slice(0, 10) }
    const refusedDate = await refusedSave(
      `It's the Spring Atelier Launch, a launch showing the new spring pieces, shown by the people who made them, on ${inWords(pastDate.date)} from 19:00 to 22:00 in Paris.`,
      'eventSetup',
      'saveEventDetails',
      pastDate,
      'date',
      'Which date did you mean?',
    )
    expect(refusedDate.issues).toEqual([{ field: 'date', message: expect.stringMatching(/future/i) }])

    await saveAndContinue(`Oops, wrong year: ${inWords(date)}.`, 'eventSetup', 'saveEventDetails', event, 'venueSetup', 'Where does it happen?')

    // Refused: the venue without its city, a required field of a strict save.
    const { city: _city, ...withoutCity } = venue.venue
    const refusedVenue = await refusedSave(
      'At the Salle Pleyel, 252 Rue du Faubourg Saint-Honoré, 75008, France. It holds 300 people.',
      'venueSetup',
      'saveVenue',
      { ...venue, venue: withoutCity },
      'venue.city',
      'In which city is it?',
    )
    expect(refusedVenue.issues).toEqual([{ field: 'venue.city', message: 'Add the city.' }])

    await saveAndContinue('In Paris.', 'venueSetup', 'saveVenue', venue, 'ticketSetup', 'Which tickets do you sell?')

    await saveAndContinue(
      'Two free tiers in euros: 250 General admission and 50 Press.',
      'ticketSetup',
      'saveTicketTiers',
      tickets,
      'paymentSetup',
      'The tickets are free, so there is nothing to set up for payouts. Shall we go on?',
    )

    // A free event: the payment stage needs nothing; the model checks and continues (no onboarding).
    const payment = await say("They're all free, nothing to pay out. What's next?", {
      calls: [{ toolName: 'getWizardState' }, { toolName: 'continueToNextStage' }],
      ask: 'Do you have a cover image or sponsors?',
    })
    expect(scripted.calls.at(-1)!.tools).toContain('startPaymentOnboarding')
    expect(payment.results).toMatchObject([
      {
        toolName: 'getWizardState',
        result: { ok: true, currentStage: 'paymentSetup', paymentStatus: 'not_required', issues: { reviewPublish: expect.any(Array) } },
      },
      { toolName: 'continueToNextStage', result: { ok: true, currentStage: 'sponsorsMedia' } },
    ])
    expect(Object.keys(payment.results[0]!.result.issues as object)).toEqual(['sponsorsMedia', 'reviewPublish'])
    expect(payment.after).toMatchObject({ currentStage: 'sponsorsMedia', paymentStatus: 'not_required', version: payment.before.version + 1 })
    expect(payment.after.completedStages).toContain('paymentSetup')
    expect(payment.after.data.paymentSetup).toEqual({ status: 'not_required' })

    await saveAndContinue(
      'The cover image is https://images.example.com/spring-atelier.jpg, and Maison Textile (https://maison-textile.example) is our Gold sponsor.',
      'sponsorsMedia',
      'saveSponsorsAndMedia',
      media,
      'reviewPublish',
      'Everything is in: shall I check what is left before publishing?',
    )

    // The review: the model reads the wizard and reports nothing missing.
    const review = await say('Yes, is anything missing?', {
      calls: [{ toolName: 'getWizardState' }],
      ask: 'Say the word and I will show you the publish card.',
    })
    expect(review.results).toMatchObject([{ toolName: 'getWizardState', result: { ok: true, currentStage: 'reviewPublish', progress: '90%' } }])
    // Only the publishing itself is left.
    expect(review.results[0]!.result.issues).toEqual({ reviewPublish: [{ field: '', message: 'Publish the event to finish.' }] })
    expect(review.results[0]!.result.completedStages).toEqual(['organizerSetup', 'eventSetup', 'venueSetup', 'ticketSetup', 'paymentSetup', 'sponsorsMedia'])
    expect(replyOf(review.run.events)).toContain('nothing is missing')

    // "Publish it": the model can only show the card; the call waits for the organizer's click, nothing is published.
    const confirm = await say('Publish it.', { calls: [{ toolName: 'confirmPublish' }], ask: '' })
    expect(scripted.calls.at(-1)!.tools).toContain('confirmPublish')
    expect(confirm.run.events.filter((e) => e.type === 'TOOL_CALL_START').map((e) => e.toolCallName)).toEqual(['confirmPublish'])
    expect(confirm.results).toEqual([])
    expect(confirm.after).toEqual(confirm.before)
    expect(confirm.after).toMatchObject({ status: 'in_progress', eventId: null })

    // The card's "Publish now" posts the review page's own `publish` intent (wizard-copilot.client.tsx),
    // which calls this procedure; a server test cannot click it, so it calls the procedure as the card would.
    const published = await organizer.api.wizard.publish.mutate({ sessionId })
    transcript.push({
      stage: 'reviewPublish',
      text: `**Organizer clicks "Publish now" on the card** (the review page's publish intent) → published at \`/e/${published.slug}\``,
    })
    expect(await wizard()).toMatchObject({ status: 'completed', eventId: published.eventId })
    const page = await organizer.api.events.bySlug.query({ slug: published.slug })
    expect(page).toMatchObject({
      title: event.title,
      type: 'launch',
      description: event.description,
      timezone: 'Europe/Paris',
      venueMode: 'physical',
      venue: venue.venue,
      capacity: 300,
      coverImageUrl: media.coverImageUrl,
      sponsors: media.sponsors,
    })
    expect(page.startsAt.toLocaleString('sv-SE', { timeZone: 'Europe/Paris' })).toBe(`${date} 19:00:00`)
    expect(page.endsAt?.toLocaleString('sv-SE', { timeZone: 'Europe/Paris' })).toBe(`${date} 22:00:00`)
    expect(page.tiers.map(({ name, price, currency, quantity, onSale }) => ({ name, price, currency, quantity, onSale }))).toEqual(
      tickets.tiers.map((tier) => ({ ...tier, onSale: true })),
    )

    // Every change but the click came from the chat: merges and moves audited as the copilot's, the two refusals among them.
    const actions = await asServiceRole(database.db, (tx) =>
      tx.select().from(schema.wizardActions).where(eq(schema.wizardActions.sessionId, sessionId)).orderBy(schema.wizardActions.createdAt),
    )
    expect(actions.filter((action) => action.actionName !== 'publish').every((action) => action.source === 'copilot')).toBe(true)
    expect(actions.filter((action) => action.result === 'failed').map((action) => [action.actionName, action.stage])).toEqual([
      ['merge', 'eventSetup'],
      ['merge', 'venueSetup'],
    ])
  }, 60_000)
})
