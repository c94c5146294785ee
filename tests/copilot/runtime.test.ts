import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { asServiceRole } from '../../db/rls'
import * as schema from '../../db/schema'
import { MODEL_FAILED } from '../../server/copilot/model-errors'
import { type CopilotMessage, messagesFromEvents, postCopilot, replyOf, runCopilot, toolResultsOf, userMessage } from '../support/copilot-client'
import { describeEachDatabase } from '../support/databases'
import { fillThroughApi, signUp } from '../support/organizers'
import { type ModelCall, type ModelTurn, scriptedModel } from '../support/scripted-model'
import { useTestServer } from '../support/server'
import { dayAfter, validStageData } from '../support/wizard-fixtures'

const CONFIRM_CARD = { name: 'confirmPublish', description: 'Shows the publish confirmation card.', parameters: { type: 'object', properties: {} } }

/** The suggestion cards: the browser registers both on every stage (and offers the current stage's). */
const SUGGESTION_CARDS = ['suggestEventDetails', 'suggestTicketTiers'].map((name) => ({
  name,
  description: 'Shows a suggestion card.',
  parameters: { type: 'object', properties: {} },
}))

/*
 * The copilot through HTTP `agent/run`, against the real CopilotKit runtime and AI SDK, with a scripted
 * model in place of the network: what the model may call at each stage, and what reaches the database.
 */
describeEachDatabase('the copilot over HTTP', (kind) => {
  /** What the model does on the organizer's message; after tool answers it replies with what it got. */
  let onMessage: (call: ModelCall) => ModelTurn = () => ({ text: 'Hello!' })
  const scripted = scriptedModel((call) =>
    call.toolResults.length === 0 ? onMessage(call) : { text: `Noted: ${JSON.stringify(call.toolResults.map((result) => result.output))}` },
  )

  // Every test signs up its own organizers: more than the default sign-ups per address.
  const { server, database } = useTestServer(
    kind,
    { RATE_LIMIT_COPILOT_RUNS_PER_USER: '1000', RATE_LIMIT_AUTH_PER_IP: '200' },
    { copilotModel: scripted.model },
  )
  beforeEach(() => {
    scripted.calls.length = 0
  })

  /** An organizer with a wizard at `stage`, and the headers the browser's provider sends. */
  async function organizerAt(stage: 'organizerSetup' | 'eventSetup' | 'venueSetup' | 'ticketSetup' | 'reviewPublish') {
    const organizer = await signUp(server, 'copilot')
    const { sessionId } = await organizer.api.wizard.create.mutate({})
    if (stage !== 'organizerSetup') await fillThroughApi(organizer.api, sessionId, stage)
    const headers = { authorization: `Bearer ${organizer.token}`, 'x-wizard-session': sessionId }
    return { ...organizer, sessionId, headers }
  }

  const actionsOf = (sessionId: string) =>
    asServiceRole(database.db, (tx) =>
      tx.select().from(schema.wizardActions).where(eq(schema.wizardActions.sessionId, sessionId)).orderBy(schema.wizardActions.createdAt),
    )

  /** One run after the conversation so far; returns the run and the conversation with it. */
  async function say(organizer: { headers: Record<string, string> }, threadId: string, history: CopilotMessage[], text: string, extra = {}) {
    const messages = [...history, userMessage(text)]
    const run = await runCopilot(server, { headers: organizer.headers, threadId, messages, ...extra })
    return { run, history: [...messages, ...messagesFromEvents(run.events)] }
  }

  const newEvent = { ...validStageData(new Date()).eventSetup, title: 'Winter Atelier Launch', date: dayAfter(new Date(), 40) }

  it('saves the event through saveEventDetails: data, audit row from the copilot, progress, a reply, and a second run on the thread', async () => {
    const organizer = await organizerAt('eventSetup')
    const before = await organizer.api.wizard.get.query({ sessionId: organizer.sessionId })
    onMessage = () => ({ toolCalls: [{ toolName: 'saveEventDetails', input: newEvent }] })
    const threadId = randomUUID()

    const first = await say(organizer, threadId, [], 'Our winter launch, 19:00 in Paris')
    expect(first.run.status).toBe(200)
    expect(toolResultsOf(first.run.events)).toEqual([
      { toolName: 'saveEventDetails', result: { ok: true, saved: 'eventSetup', progress: expect.stringMatching(/%$/), nextStage: 'venueSetup' } },
    ])
    expect(replyOf(first.run.events)).toContain('"saved":"eventSetup"')
    expect(first.run.events.at(-1)?.type).toBe('RUN_FINISHED')

    const after = await organizer.api.wizard.get.query({ sessionId: organizer.sessionId })
    expect(after.data.eventSetup).toEqual(newEvent)
    expect(after.issues.eventSetup).toEqual([])
    expect(after.version).toBe(before.version + 1)
    const merges = (await actionsOf(organizer.sessionId)).filter((action) => action.actionName === 'merge' && action.source === 'copilot')
    expect(merges).toMatchObject([{ stage: 'eventSetup', result: 'succeeded', userId: organizer.id }])
    // The tools the model was offered are the stage's own and the wizard's, nothing else.
    expect(scripted.calls[0]!.tools.filter((tool) => !tool.startsWith('AGUI'))).toEqual([
      'saveEventDetails',
      'saveDraft',
      'getWizardState',
      'goToStage',
      'continueToNextStage',
    ])
    expect(scripted.calls[0]!.system).toContain('The current stage is eventSetup.')

    onMessage = () => ({ text: 'Anything else?' })
    const second = await say(organizer, threadId, first.history, 'Thanks!')
    expect(second.run.status).toBe(200)
    expect(replyOf(second.run.events)).toBe('Anything else?')
    expect(second.run.events.some((event) => event.type === 'RUN_ERROR')).toBe(false)
  })

  it('shows the model every earlier stage, the progress and the last save, on the stage it fills', async () => {
    const organizer = await organizerAt('ticketSetup')
    const state = await organizer.api.wizard.get.query({ sessionId: organizer.sessionId })
    onMessage = () => ({ text: 'How many tickets?' })
    await say(organizer, randomUUID(), [], 'Tickets please')
    const summary = JSON.parse(/## The wizard now\n```json\n(.*)\n```/s.exec(scripted.calls[0]!.system)![1]!) as Record<string, unknown>
    expect(summary).toMatchObject({
      currentStage: 'ticketSetup',
      progress: `${state.progress.percentage}%`,
      lastSavedAt: state.updatedAt.toISOString(),
      earlierStages: { organizerSetup: { name: 'Ada Martin', organization: 'Atelier Martin' }, venueSetup: { venue: { capacity: 300 } } },
    })
    expect(Object.keys(summary.earlierStages as object)).toEqual(['organizerSetup', 'eventSetup', 'venueSetup'])
  })

  it('keeps part of a stage with saveDraft, reports what is still open, and leaves the stage unfinished', async () => {
    const organizer = await organizerAt('eventSetup')
    await organizer.api.wizard.merge.mutate({ sessionId: organizer.sessionId, stage: 'eventSetup', data: newEvent, validate: 'strict' })
    await organizer.api.wizard.transition.mutate({ sessionId: organizer.sessionId, from: 'eventSetup', to: 'venueSetup' })
    onMessage = () => ({ toolCalls: [{ toolName: 'saveDraft', input: { mode: 'physical', venue: { name: 'Palais de Tokyo' } } }] })
    const { run } = await say(organizer, randomUUID(), [], "The venue is the Palais de Tokyo, I'll add the address later")
    const [result] = toolResultsOf(run.events)
    expect(result).toMatchObject({ toolName: 'saveDraft', result: { ok: true, saved: 'venueSetup', draft: true, complete: false } })
    const open = (result!.result as { stillOpen: { field: string; message: string }[] }).stillOpen
    expect(open.map((issue) => issue.field)).toEqual(expect.arrayContaining(['venue.address', 'venue.city', 'venue.country']))
    // The draft's tool is offered with nothing required; the strict one keeps its required fields.
    expect(scripted.calls[0]!.system).toContain('saveDraft')
    const state = await organizer.api.wizard.get.query({ sessionId: organizer.sessionId })
    expect(state.data.venueSetup).toEqual({ mode: 'physical', venue: { name: 'Palais de Tokyo' } })
    expect(state.completedStages).not.toContain('venueSetup')
    const drafts = (await actionsOf(organizer.sessionId)).filter((action) => action.actionName === 'merge' && action.source === 'copilot')
    expect(drafts).toMatchObject([{ stage: 'venueSetup', result: 'succeeded' }])

    // A wrong shape is still refused, as for any draft, and nothing is written.
    onMessage = () => ({ toolCalls: [{ toolName: 'saveDraft', input: { mode: 'physical', venue: { capacity: 'lots' } } }] })
    const refused = await say(organizer, randomUUID(), [], 'It holds lots of people')
    expect(toolResultsOf(refused.run.events)[0]).toMatchObject({ toolName: 'saveDraft', result: { ok: false } })
    expect((await organizer.api.wizard.get.query({ sessionId: organizer.sessionId })).data.venueSetup).toEqual(state.data.venueSetup)
  })

  it("gives the model its instructions as the AI SDK's system option, never as a message of the conversation", async () => {
    const organizer = await organizerAt('eventSetup')
    onMessage = () => ({ text: 'Hello!' })
    const warn = vi.spyOn(console, 'warn')
    try {
      const { run } = await say(organizer, randomUUID(), [], 'Hi')
      expect(run.status).toBe(200)
      expect(replyOf(run.events)).toBe('Hello!')
      expect(
        warn.mock.calls
          .flat()
          .map(String)
          .filter((text) => text.includes('AI SDK Warning')),
      ).toEqual([])
    } finally {
      warn.mockRestore()
    }
    // One system part, first, holding the stage's instructions; the conversation holds the organizer's words.
    expect(scripted.calls[0]!.system).toContain('The current stage is eventSetup.')
    expect(scripted.calls[0]!.roles).toEqual(['system', 'user'])
  })

  it('writes nothing when the model calls tools of other stages or tries to publish, and the thread goes on', async () => {
    const organizer = await organizerAt('eventSetup')
    const before = await organizer.api.wizard.get.query({ sessionId: organizer.sessionId })
    const tiers = validStageData(new Date()).ticketSetup
    onMessage = () => ({
      toolCalls: [
        { toolName: 'saveTicketTiers', input: tiers },
        { toolName: 'publishEvent', input: {} },
        { toolName: 'confirmPublish', input: {} },
      ],
    })
    const threadId = randomUUID()
    // The browser offers the confirmation card here too: the server drops it outside reviewPublish.
    const first = await say(organizer, threadId, [], 'Add two free tiers and publish it now', { tools: [CONFIRM_CARD] })
    expect(first.run.status).toBe(200)
    expect(scripted.calls[0]!.tools).not.toContain('confirmPublish')
    expect(toolResultsOf(first.run.events)).toEqual([
      { toolName: 'saveTicketTiers', result: { ok: false, error: 'saveTicketTiers is not available at this stage.' } },
      { toolName: 'publishEvent', result: { ok: false, error: 'publishEvent is not available at this stage.' } },
      { toolName: 'confirmPublish', result: { ok: false, error: 'confirmPublish is not available at this stage.' } },
    ])
    const after = await organizer.api.wizard.get.query({ sessionId: organizer.sessionId })
    expect(after).toMatchObject({ version: before.version, status: 'in_progress', eventId: null, currentStage: 'eventSetup' })
    expect(after.data.ticketSetup).toBeUndefined()
    const events = await asServiceRole(database.db, (tx) => tx.select().from(schema.events).where(eq(schema.events.sessionId, organizer.sessionId)))
    expect(events).toEqual([])

    onMessage = () => ({ toolCalls: [{ toolName: 'saveEventDetails', input: newEvent }] })
    const second = await say(organizer, threadId, first.history, 'Then just save the event')
    expect(second.run.events.some((event) => event.type === 'RUN_ERROR')).toBe(false)
    expect(toolResultsOf(second.run.events)).toMatchObject([{ toolName: 'saveEventDetails', result: { ok: true } }])
  })

  it("answers NOT_FOUND for another organizer's session and takes identity and stage only from the server", async () => {
    const owner = await organizerAt('eventSetup')
    const intruder = await organizerAt('organizerSetup')
    const ownerBefore = await owner.api.wizard.get.query({ sessionId: owner.sessionId })
    onMessage = () => ({ toolCalls: [{ toolName: 'saveEventDetails', input: newEvent }] })

    const foreign = await runCopilot(server, {
      headers: { ...intruder.headers, 'x-wizard-session': owner.sessionId },
      threadId: randomUUID(),
      messages: [userMessage('Change the title')],
    })
    expect(foreign).toMatchObject({ status: 404, error: { code: 'NOT_FOUND', message: 'Wizard session was not found.' } })
    expect(scripted.calls).toEqual([])

    // Forwarded properties naming another stage, user and session change nothing.
    const forged = await say(intruder, randomUUID(), [], 'Save it', {
      forwardedProps: { stage: 'eventSetup', currentStage: 'eventSetup', userId: owner.id, sessionId: owner.sessionId, model: 'gpt-4o', toolChoice: 'none' },
    })
    expect(scripted.calls[0]!.system).toContain('The current stage is organizerSetup.')
    expect(toolResultsOf(forged.run.events)).toEqual([
      { toolName: 'saveEventDetails', result: { ok: false, error: 'saveEventDetails is not available at this stage.' } },
    ])
    expect(await owner.api.wizard.get.query({ sessionId: owner.sessionId })).toEqual(ownerBefore)
    expect((await intruder.api.wizard.get.query({ sessionId: intruder.sessionId })).data.eventSetup).toBeUndefined()
  })

  it("refuses another organizer's chat thread, unknown methods, missing sign-in and a missing session header", async () => {
    const owner = await organizerAt('organizerSetup')
    const other = await organizerAt('organizerSetup')
    onMessage = () => ({ text: 'Hi' })
    const threadId = randomUUID()
    expect((await say(owner, threadId, [], 'Hello')).run.status).toBe(200)
    const stolen = await runCopilot(server, { headers: other.headers, threadId, messages: [userMessage('Hello')] })
    expect(stolen).toMatchObject({ status: 404, error: { code: 'NOT_FOUND' } })
    const reconnect = await postCopilot(
      server,
      {
        method: 'agent/connect',
        params: { agentId: 'default' },
        body: { threadId, runId: randomUUID(), messages: [], tools: [], context: [], state: {}, forwardedProps: {} },
      },
      other.headers,
    )
    expect(reconnect.status).toBe(404)

    const threads = await postCopilot(server, { method: 'threads/list', params: {} }, owner.headers)
    expect(threads.status).toBe(404)
    const anonymous = await postCopilot(server, { method: 'info' }, { 'x-wizard-session': owner.sessionId })
    expect(anonymous.status).toBe(401)
    expect(await anonymous.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: 'Sign in to use the assistant.' } })
    const noSession = await postCopilot(server, { method: 'info' }, { authorization: owner.headers.authorization })
    expect(noSession.status).toBe(400)
    const notUuid = await postCopilot(server, { method: 'info' }, { ...owner.headers, 'x-wizard-session': 'not-a-session' })
    expect(notUuid.status).toBe(404)
    const notJson = await fetch(`${server.url}/api/copilotkit`, {
      method: 'POST',
      headers: { ...owner.headers, 'content-type': 'application/json' },
      body: '{',
    })
    expect(notJson.status).toBe(400)
    const info = await postCopilot(server, { method: 'info' }, owner.headers)
    expect(info.status).toBe(200)
    expect(await info.json()).toMatchObject({ agents: { default: expect.any(Object) } })
  })

  it('returns field issues to the model for a past date and a bad currency, and writes nothing', async () => {
    const organizer = await organizerAt('eventSetup')
    const before = await organizer.api.wizard.get.query({ sessionId: organizer.sessionId })
    onMessage = () => ({ toolCalls: [{ toolName: 'saveEventDetails', input: { ...newEvent, date: '2020-01-10' } }] })
    const past = await say(organizer, randomUUID(), [], 'It was on 10 January 2020')
    const [pastResult] = toolResultsOf(past.run.events)
    expect(pastResult!.result).toMatchObject({ ok: false, issues: [{ field: 'date', message: expect.stringMatching(/future/i) }] })
    // The model got the same issues and could pass them on.
    expect(scripted.calls[1]!.toolResults[0]!.output).toEqual(pastResult!.result)

    const ticketing = await organizerAt('ticketSetup')
    const tiers = validStageData(new Date()).ticketSetup.tiers
    onMessage = () => ({ toolCalls: [{ toolName: 'saveTicketTiers', input: { tiers: [{ ...tiers[0], currency: 'EURO' }] } }] })
    const currency = await say(ticketing, randomUUID(), [], 'Tickets in euro')
    expect(toolResultsOf(currency.run.events)[0]!.result).toMatchObject({
      ok: false,
      issues: [{ field: 'tiers.0.currency', message: expect.any(String) }],
    })
    onMessage = () => ({ toolCalls: [{ toolName: 'saveEventDetails', input: { title: 42, unknownField: true } }] })
    const shape = await say(organizer, randomUUID(), [], 'Garbage')
    const shapeIssues = toolResultsOf(shape.run.events)[0]!.result.issues as { field: string }[]
    expect(shapeIssues.map((issue) => issue.field).sort()).toEqual(['title', 'unknownField'])

    const after = await organizer.api.wizard.get.query({ sessionId: organizer.sessionId })
    expect(after.version).toBe(before.version)
    expect(after.data.eventSetup).toEqual(before.data.eventSetup)
    expect((await ticketing.api.wizard.get.query({ sessionId: ticketing.sessionId })).data.ticketSetup).toBeUndefined()
    // The past date reached the core and was refused there (audited); a wrong shape is refused before.
    const refused = (await actionsOf(organizer.sessionId)).filter((action) => action.source === 'copilot')
    expect(refused).toMatchObject([{ actionName: 'merge', stage: 'eventSetup', result: 'failed' }])
  })

  it('moves between stages: continue refuses an unfinished stage with its issues, goToStage goes back', async () => {
    const organizer = await organizerAt('organizerSetup')
    onMessage = () => ({ toolCalls: [{ toolName: 'continueToNextStage', input: {} }] })
    const refused = await say(organizer, randomUUID(), [], 'Next')
    expect(toolResultsOf(refused.run.events)[0]!.result).toMatchObject({
      ok: false,
      issues: expect.arrayContaining([{ field: 'organizerSetup.name', message: 'Add your name.' }]),
    })
    onMessage = () => ({
      toolCalls: [
        { toolName: 'saveOrganizerDetails', input: validStageData(new Date()).organizerSetup },
        { toolName: 'continueToNextStage', input: {} },
      ],
    })
    const moved = await say(organizer, randomUUID(), [], 'I am Ada Martin of Atelier Martin, ada@atelier-martin.example')
    expect(toolResultsOf(moved.run.events).map((result) => result.result)).toMatchObject([{ ok: true }, { ok: true, currentStage: 'eventSetup' }])
    onMessage = () => ({
      toolCalls: [
        { toolName: 'goToStage', input: { stage: 'organizerSetup' } },
        { toolName: 'getWizardState', input: {} },
      ],
    })
    const back = await say(organizer, randomUUID(), [], 'Go back')
    expect(toolResultsOf(back.run.events).map((result) => result.result)).toMatchObject([
      { ok: true, currentStage: 'organizerSetup' },
      { ok: true, currentStage: 'organizerSetup', currentStageData: validStageData(new Date()).organizerSetup },
    ])
  })

  it("tells the browser a model failure in plain words, never the provider's message", async () => {
    const organizer = await organizerAt('organizerSetup')
    onMessage = () => {
      throw new Error('Incorrect API key provided: sk-test-SECRET')
    }
    const failed = await say(organizer, randomUUID(), [], 'Hello')
    expect(failed.run.status).toBe(200)
    const errors = failed.run.events.filter((event) => event.type === 'RUN_ERROR')
    expect(errors).toMatchObject([{ message: MODEL_FAILED }])
    expect(JSON.stringify(failed.run.events)).not.toContain('sk-test-SECRET')
  })

  it('leaves the publish card to the browser in reviewPublish: the model alone publishes nothing', async () => {
    const organizer = await organizerAt('reviewPublish')
    onMessage = () => ({ toolCalls: [{ toolName: 'confirmPublish', input: {} }] })
    const run = await say(organizer, randomUUID(), [], 'Publish it', { tools: [CONFIRM_CARD] })
    expect(scripted.calls[0]!.tools).toContain('confirmPublish')
    expect(scripted.calls[0]!.tools).not.toContain('publishEvent')
    // The call waits for the organizer's click in the browser: no result from the server, nothing published.
    expect(run.run.events.filter((event) => event.type === 'TOOL_CALL_START').map((event) => event.toolCallName)).toEqual(['confirmPublish'])
    expect(toolResultsOf(run.run.events)).toEqual([])
    expect(await organizer.api.wizard.get.query({ sessionId: organizer.sessionId })).toMatchObject({ status: 'in_progress', eventId: null })
  })

  it('offers the suggestion cards at their own stages only: event details at eventSetup, tiers at ticketSetup', async () => {
    const offered: Record<string, string[]> = {}
    for (const stage of ['organizerSetup', 'eventSetup', 'venueSetup', 'ticketSetup', 'reviewPublish'] as const) {
      const organizer = await organizerAt(stage)
      scripted.calls.length = 0
      onMessage = () => ({ text: 'Here is an idea.' })
      await say(organizer, randomUUID(), [], 'Any ideas?', { tools: SUGGESTION_CARDS })
      offered[stage] = scripted.calls[0]!.tools.filter((tool) => tool.startsWith('suggest'))
      if (offered[stage].length > 0) expect(scripted.calls[0]!.system).toContain(`The one place for ideas of your own`)
    }
    expect(offered).toEqual({
      organizerSetup: [],
      eventSetup: ['suggestEventDetails'],
      venueSetup: [],
      ticketSetup: ['suggestTicketTiers'],
      reviewPublish: [],
    })

    // Called where it is not offered, a suggestion is answered by the server and nothing is saved.
    const organizer = await organizerAt('venueSetup')
    const before = await organizer.api.wizard.get.query({ sessionId: organizer.sessionId })
    onMessage = () => ({ toolCalls: [{ toolName: 'suggestEventDetails', input: { title: 'Velvet Hours' } }] })
    const { run } = await say(organizer, randomUUID(), [], 'Rename the event', { tools: SUGGESTION_CARDS })
    expect(toolResultsOf(run.events)).toEqual([
      { toolName: 'suggestEventDetails', result: { ok: false, error: 'suggestEventDetails is not available at this stage.' } },
    ])
    expect(await organizer.api.wizard.get.query({ sessionId: organizer.sessionId })).toEqual(before)
  })

  it("leaves a suggestion to the organizer's click in the browser: the run saves nothing, and the model gets their answer", async () => {
    const organizer = await organizerAt('eventSetup')
    const before = await organizer.api.wizard.get.query({ sessionId: organizer.sessionId })
    const suggestion = { title: 'Velvet Hours', description: 'An evening of new silhouettes.' }
    onMessage = () => ({ toolCalls: [{ toolName: 'suggestEventDetails', input: suggestion }] })
    const threadId = randomUUID()
    const first = await say(organizer, threadId, [], 'Any idea for a title?', { tools: SUGGESTION_CARDS })
    expect(first.run.events.filter((event) => event.type === 'TOOL_CALL_START').map((event) => event.toolCallName)).toEqual(['suggestEventDetails'])
    // No answer from the server: the card in the browser answers once the organizer chose.
    expect(toolResultsOf(first.run.events)).toEqual([])
    expect(first.run.events.at(-1)?.type).toBe('RUN_FINISHED')
    expect(await organizer.api.wizard.get.query({ sessionId: organizer.sessionId })).toEqual(before)
    expect((await actionsOf(organizer.sessionId)).filter((action) => action.source === 'copilot')).toEqual([])

    // The browser's answer (the organizer dismissed it) goes back to the model with the next run.
    const call = first.history.flatMap((message) => (message.role === 'assistant' ? (message.toolCalls ?? []) : []))[0]!
    expect(JSON.parse(call.function.arguments)).toEqual(suggestion)
    const dismissed: CopilotMessage = { id: randomUUID(), role: 'tool', toolCallId: call.id, content: JSON.stringify({ used: false }) }
    const answered = await runCopilot(server, { headers: organizer.headers, threadId, messages: [...first.history, dismissed], tools: SUGGESTION_CARDS })
    expect(answered.events.some((event) => event.type === 'RUN_ERROR')).toBe(false)
    expect(scripted.calls.at(-1)!.toolResults).toEqual([{ toolName: 'suggestEventDetails', output: { used: false } }])
    expect(await organizer.api.wizard.get.query({ sessionId: organizer.sessionId })).toEqual(before)
  })

  it('tells the model the device is a phone when the browser says so, with the rule for phones', async () => {
    const organizer = await organizerAt('eventSetup')
    onMessage = () => ({ text: 'Hello!' })
    // What the browser's `Device` readable sends on a phone (useCopilotReadable JSON-encodes its value).
    const phone = { description: 'Device', value: JSON.stringify('phone: keep answers to one or two short sentences, and no tables') }
    await say(organizer, randomUUID(), [], 'Hi', { context: [phone] })
    const system = scripted.calls[0]!.system
    expect(system).toContain('## Context from the application')
    expect(system).toContain('Device:\n"phone: keep answers to one or two short sentences, and no tables"')
    expect(system).toContain(
      'When the context says the device is a phone, answer in one or two short sentences, never show a table, and never ask the organizer for one.',
    )

    scripted.calls.length = 0
    await say(organizer, randomUUID(), [], 'Hi', { context: [{ description: 'Device', value: JSON.stringify('desktop') }] })
    expect(scripted.calls[0]!.system).toContain('Device:\n"desktop"')
    expect(scripted.calls[0]!.system).not.toContain('Device:\n"phone')
  })

  it('fills an edit session of a live event with the same tools, told that publishing changes the live event', async () => {
    const organizer = await organizerAt('reviewPublish')
    const published = await organizer.api.wizard.publish.mutate({ sessionId: organizer.sessionId })
    const edit = await organizer.api.wizard.create.mutate({ editEventId: published.eventId })
    await organizer.api.wizard.transition.mutate({ sessionId: edit.sessionId, from: 'reviewPublish', to: 'eventSetup' })
    const editor = { headers: { ...organizer.headers, 'x-wizard-session': edit.sessionId } }
    onMessage = () => ({ toolCalls: [{ toolName: 'saveEventDetails', input: newEvent }] })

    const run = await say(editor, randomUUID(), [], 'Move it to the winter launch date')
    expect(toolResultsOf(run.run.events)).toEqual([
      { toolName: 'saveEventDetails', result: { ok: true, saved: 'eventSetup', progress: expect.stringMatching(/%$/), nextStage: 'venueSetup' } },
    ])
    expect(scripted.calls[0]!.system).toContain('This wizard edits an event that is already live')
    expect(scripted.calls[0]!.system).toContain('"editsLiveEvent":true')
    expect((await organizer.api.wizard.get.query({ sessionId: edit.sessionId })).data.eventSetup).toEqual(newEvent)
    // Saved in the edit session only: the live event changes when the organizer publishes the changes.
    expect((await organizer.api.events.bySlug.query({ slug: published.slug })).title).toBe(validStageData(new Date()).eventSetup.title)
  })
})

describe('the copilot without a model', () => {
  const { server } = useTestServer('pglite', {}, { copilotModel: null })

  it('answers a clear error instead of running, and the forms still work', async () => {
    const organizer = await signUp(server, 'unconfigured')
    const { sessionId } = await organizer.api.wizard.create.mutate({})
    const response = await postCopilot(server, { method: 'info' }, { authorization: `Bearer ${organizer.token}`, 'x-wizard-session': sessionId })
    expect(response.status).toBe(503)
    const body = (await response.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('COPILOT_NOT_CONFIGURED')
    expect(body.error.message).toMatch(/COPILOT_PROVIDER/)
    const saved = await organizer.api.wizard.merge.mutate({ sessionId, stage: 'organizerSetup', data: validStageData(new Date()).organizerSetup })
    expect(saved.issues.organizerSetup).toEqual([])
  })
})
