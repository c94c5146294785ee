import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest'
import { asServiceRole } from '../../db/rls'
import * as schema from '../../db/schema'
import { MAX_RETRY_WAIT_MS } from '../../server/copilot/model'
import { MODEL_DECLINED, MODEL_FAILED } from '../../server/copilot/model-errors'
import {
  type CopilotEvent,
  type CopilotMessage,
  messagesFromEvents,
  postCopilot,
  replyOf,
  runCopilot,
  toolResultsOf,
  userMessage,
} from '../support/copilot-client'
import { describeEachDatabase } from '../support/databases'
import { fillThroughApi, signUp } from '../support/organizers'
import { type ProviderServer, REFUSAL_TEXT, startProviderServer, wires } from '../support/provider-server'
import { useTestServer } from '../support/server'
import { dayAfter, validStageData } from '../support/wizard-fixtures'

const API_KEY = 'sk-test-wire-formats'
const models = { openai: 'gpt-4o-mini', anthropic: 'claude-sonnet-4-5' }
const paths = { openai: '/v1/responses', anthropic: '/v1/messages' }

const eventsOfType = (events: CopilotEvent[], type: string) => events.filter((event) => event.type === type)

/*
 * The copilot over HTTP with the real `@ai-sdk/openai` (Responses API) and `@ai-sdk/anthropic`
 * providers, configured as an operator would (COPILOT_PROVIDER, COPILOT_BASE_URL), against a local
 * server speaking each provider's streaming format: every run ends with something the organizer can
 * read and a log line saying why, and a broken answer saves nothing.
 */
describeEachDatabase('the copilot against real provider wire formats', (kind) => {
  describe.each(['openai', 'anthropic'] as const)('%s', (provider) => {
    const wire = wires[provider]
    let model: ProviderServer
    beforeAll(async () => {
      model = await startProviderServer()
    })
    afterAll(async () => {
      await model?.close()
    })
    const { server, database } = useTestServer(kind, () => ({
      COPILOT_PROVIDER: provider,
      COPILOT_MODEL: models[provider],
      COPILOT_API_KEY: API_KEY,
      COPILOT_BASE_URL: model.url,
      RATE_LIMIT_COPILOT_RUNS_PER_USER: '1000',
    }))

    /** The server's warn and error log calls in this test, fields and message (the test server's pino is silent: the calls are the log). */
    let logSpies: MockInstance[] = []
    beforeEach(() => {
      logSpies = [vi.spyOn(server.app.logger, 'warn'), vi.spyOn(server.app.logger, 'error')]
    })
    afterEach(() => {
      for (const spy of logSpies) spy.mockRestore()
    })
    const logged = () => logSpies.flatMap((spy) => spy.mock.calls.map(([fields, msg]) => ({ ...(fields as Record<string, unknown>), msg })))

    async function organizerAtEventSetup() {
      const organizer = await signUp(server, `wire-${provider}`)
      const { sessionId } = await organizer.api.wizard.create.mutate({})
      await fillThroughApi(organizer.api, sessionId, 'eventSetup')
      const headers = { authorization: `Bearer ${organizer.token}`, 'x-wizard-session': sessionId }
      const state = () => organizer.api.wizard.get.query({ sessionId })
      return { ...organizer, sessionId, headers, state }
    }

    async function say(organizer: { headers: Record<string, string> }, threadId: string, history: CopilotMessage[], text: string) {
      const messages = [...history, userMessage(text)]
      const started = Date.now()
      const run = await runCopilot(server, { headers: organizer.headers, threadId, messages })
      return { run, elapsed: Date.now() - started, history: [...messages, ...messagesFromEvents(run.events)] }
    }

    const copilotActionsOf = (sessionId: string) =>
      asServiceRole(database.db, (tx) => tx.select().from(schema.wizardActions).where(eq(schema.wizardActions.sessionId, sessionId))).then((rows) =>
        rows.filter((row) => row.source === 'copilot'),
      )

    const newEvent = { ...validStageData(new Date()).eventSetup, title: 'Winter Atelier Launch', date: dayAfter(new Date(), 40) }

    it('streams a text answer into the chat and finishes the run', async () => {
      const organizer = await organizerAtEventSetup()
      model.script(wire.text('Hello! What is your event called?'))

      const { run } = await say(organizer, randomUUID(), [], 'Hi')
      expect(run.status).toBe(200)
      expect(replyOf(run.events)).toBe('Hello! What is your event called?')
      expect(eventsOfType(run.events, 'RUN_ERROR')).toEqual([])
      expect(run.events.at(-1)).toMatchObject({ type: 'RUN_FINISHED', finishReason: 'stop' })
      // One streaming request to the provider's own endpoint, with the key and the stage's instructions.
      expect(model.requests).toHaveLength(1)
      const [request] = model.requests
      expect(request).toMatchObject({ path: paths[provider], body: { model: models[provider], stream: true } })
      if (provider === 'openai') expect(request!.headers.authorization).toBe(`Bearer ${API_KEY}`)
      else expect(request!.headers['x-api-key']).toBe(API_KEY)
      expect(JSON.stringify(request!.body)).toContain('The current stage is eventSetup.')
    })

    it('saves the stage from a tool call whose arguments arrive in pieces, and sends the result back to the model', async () => {
      const organizer = await organizerAtEventSetup()
      const before = await organizer.state()
      model.script(wire.toolCall('saveEventDetails', newEvent), wire.text('Saved your winter launch.'))

      const { run } = await say(organizer, randomUUID(), [], 'Our winter launch, 19:00 in Paris')
      const argumentDeltas = eventsOfType(run.events, 'TOOL_CALL_ARGS').map((event) => String(event.delta))
      expect(argumentDeltas.length).toBeGreaterThan(1)
      expect(JSON.parse(argumentDeltas.join(''))).toEqual(newEvent)
      const [result] = toolResultsOf(run.events)
      expect(result).toMatchObject({ toolName: 'saveEventDetails', result: { ok: true, saved: 'eventSetup', nextStage: 'venueSetup' } })
      expect(replyOf(run.events)).toBe('Saved your winter launch.')
      expect(run.events.at(-1)).toMatchObject({ type: 'RUN_FINISHED', finishReason: 'stop' })

      const after = await organizer.state()
      expect(after.data.eventSetup).toEqual(newEvent)
      expect(after.issues.eventSetup).toEqual([])
      expect(after.version).toBe(before.version + 1)
      expect(await copilotActionsOf(organizer.sessionId)).toMatchObject([{ actionName: 'merge', stage: 'eventSetup', result: 'succeeded' }])

      // The follow-up request carries the tool's answer in the provider's own shape, for the call it made.
      expect(model.requests).toHaveLength(2)
      expect(wire.toolResultsIn(model.requests[0]!)).toEqual([])
      const sentBack = wire.toolResultsIn(model.requests[1]!)
      const [start] = eventsOfType(run.events, 'TOOL_CALL_START')
      expect(sentBack).toEqual([{ callId: start!.toolCallId, output: expect.any(String) }])
      expect(JSON.parse(sentBack[0]!.output)).toEqual(result!.result)
    })

    it('ends a refusal with a sentence the organizer can read, and saves nothing', async () => {
      const organizer = await organizerAtEventSetup()
      const before = await organizer.state()
      model.script(wire.refusal())

      const { run } = await say(organizer, randomUUID(), [], 'Write me something awful')
      expect(run.status).toBe(200)
      // OpenAI streams the model's refusal as text; Anthropic stops with nothing to show, so the server says it.
      expect(replyOf(run.events)).toBe(provider === 'openai' ? REFUSAL_TEXT : MODEL_DECLINED)
      expect(eventsOfType(run.events, 'RUN_ERROR')).toEqual([])
      expect(run.events.at(-1)).toMatchObject({ type: 'RUN_FINISHED', finishReason: 'content-filter' })
      expect(logged()).toContainEqual(expect.objectContaining({ msg: 'the model declined to answer', shownText: provider === 'openai' }))
      expect(await organizer.state()).toEqual(before)
    })

    it('waits out a 429 for its retry-after and then answers', async () => {
      const organizer = await organizerAtEventSetup()
      model.script(wire.rateLimited({ 'retry-after': '1' }), wire.text('Here I am again.'))

      const { run } = await say(organizer, randomUUID(), [], 'Hello?')
      expect(replyOf(run.events)).toBe('Here I am again.')
      expect(run.events.at(-1)).toMatchObject({ type: 'RUN_FINISHED' })
      expect(model.requests).toHaveLength(2)
      expect(model.requests[1]!.at - model.requests[0]!.at).toBeGreaterThanOrEqual(950)
      expect(logged()).toEqual([])
    })

    it('gives up on a provider that keeps answering 429, within seconds however long it asks to wait, in plain words', { timeout: 20_000 }, async () => {
      const organizer = await organizerAtEventSetup()
      const before = await organizer.state()
      // Waits the AI SDK would honor (under a minute) but a chat cannot hold, then an hour, which it would not.
      model.script(
        wire.rateLimited({ 'retry-after': String((3 * MAX_RETRY_WAIT_MS) / 1000) }),
        wire.rateLimited({ 'retry-after-ms': String(4 * MAX_RETRY_WAIT_MS) }),
        wire.rateLimited({ 'retry-after': '3600' }),
      )

      const { run, elapsed } = await say(organizer, randomUUID(), [], 'Hello?')
      expect(run.status).toBe(200)
      expect(run.events.map((event) => event.type)).toEqual(['RUN_STARTED', 'RUN_ERROR'])
      expect(run.events.at(-1)).toMatchObject({ message: MODEL_FAILED })
      expect(JSON.stringify(run.events)).not.toMatch(/SECRET|rate limit/i)
      // The first try and two retries, each after the SDK's short backoff rather than the asked wait.
      expect(model.requests).toHaveLength(3)
      const waits = model.requests.slice(1).map((request, index) => request.at - model.requests[index]!.at)
      for (const wait of waits) expect(wait).toBeLessThan(MAX_RETRY_WAIT_MS)
      expect(elapsed).toBeLessThan(2 * MAX_RETRY_WAIT_MS)
      expect(logged()).toContainEqual(
        expect.objectContaining({ msg: 'copilot run failed', reason: expect.stringMatching(/Failed after 3 attempts.*(rate limit|request tokens)/is) }),
      )
      expect(await organizer.state()).toEqual(before)
    })

    it.each(['end', 'destroy'] as const)(
      'ends a stream cut off in the middle of tool arguments (connection %s) with a plain error, saves nothing, and the thread goes on',
      async (how) => {
        const organizer = await organizerAtEventSetup()
        const before = await organizer.state()
        model.script(wire.cutOffToolCall('saveEventDetails', newEvent, how))
        const threadId = randomUUID()

        const cut = await say(organizer, threadId, [], 'Our winter launch, 19:00 in Paris')
        expect(cut.run.status).toBe(200)
        expect(cut.elapsed).toBeLessThan(5_000)
        expect(eventsOfType(cut.run.events, 'RUN_FINISHED')).toEqual([])
        expect(cut.run.events.at(-1)).toMatchObject({ type: 'RUN_ERROR', message: MODEL_FAILED })
        // The call the organizer saw start is closed and answered, never run.
        const [start] = eventsOfType(cut.run.events, 'TOOL_CALL_START')
        expect(start).toMatchObject({ toolCallName: 'saveEventDetails' })
        expect(eventsOfType(cut.run.events, 'TOOL_CALL_END')).toEqual([expect.objectContaining({ toolCallId: start!.toolCallId })])
        expect(toolResultsOf(cut.run.events)).toMatchObject([{ toolName: 'saveEventDetails', result: { ok: false } }])
        expect(model.requests).toHaveLength(1)
        // A clean end is seen by the server alone (the SDK finishes with reason `other`); a reset is the SDK's error.
        const reason = how === 'end' ? expect.stringMatching(/ended early \(finish reason: other\) with 1 tool call/) : expect.any(String)
        expect(logged()).toContainEqual(expect.objectContaining({ msg: 'copilot run failed', reason }))

        expect(await organizer.state()).toEqual(before)
        expect(await copilotActionsOf(organizer.sessionId)).toEqual([])

        // The browser's thread, cut call included, is still one the next run can send.
        model.script(wire.text('Sorry, I lost you. What is the event called?'))
        const next = await say(organizer, threadId, cut.history, 'Are you there?')
        expect(replyOf(next.run.events)).toBe('Sorry, I lost you. What is the event called?')
        expect(next.run.events.at(-1)).toMatchObject({ type: 'RUN_FINISHED', finishReason: 'stop' })
      },
    )

    it('lets the organizer stop a run whose provider went quiet mid tool call: the run finishes, the call is closed, nothing is saved', async () => {
      const organizer = await organizerAtEventSetup()
      const before = await organizer.state()
      model.script(wire.cutOffToolCall('saveEventDetails', newEvent, 'stall'))
      const threadId = randomUUID()

      const running = say(organizer, threadId, [], 'Our winter launch, 19:00 in Paris')
      await vi.waitFor(() => expect(model.requests).toHaveLength(1))
      const stop = await postCopilot(server, { method: 'agent/stop', params: { agentId: 'default', threadId }, body: {} }, organizer.headers)
      expect(stop.status).toBe(200)

      const { run } = await running
      expect(eventsOfType(run.events, 'RUN_ERROR')).toEqual([])
      expect(run.events.at(-1)).toMatchObject({ type: 'RUN_FINISHED' })
      const started = eventsOfType(run.events, 'TOOL_CALL_START').map((event) => event.toolCallId)
      expect(eventsOfType(run.events, 'TOOL_CALL_END').map((event) => event.toolCallId)).toEqual(started)
      expect(logged()).toEqual([])
      expect(await organizer.state()).toEqual(before)
      expect(await copilotActionsOf(organizer.sessionId)).toEqual([])
    })
  })
})
