import { Writable } from 'node:stream'
import { pino } from 'pino'
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import { asServiceRole } from '../../db/rls'
import * as schema from '../../db/schema'
import { queueEmail } from '../../server/mail/outbox'
import { createMailTransport } from '../../server/mail/transport'
import { type MailWorkerDeps, RETRY_DELAYS_MINUTES, sendDueEmails } from '../../server/mail/worker'
import { placeOrder } from '../../server/orders/place-order'
import { eventWithTiers, NOW, orderDeps } from '../orders/support'
import { describeEachDatabase, openTestDatabase, type TestDatabase } from '../support/databases'
import { startSmtpServer } from '../support/smtp'

describeEachDatabase('the e-mail outbox', (kind) => {
  let database: TestDatabase
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>
  let clock: Date
  let logLines: string[]
  beforeAll(async () => {
    database = await openTestDatabase(kind)
    smtp = await startSmtpServer()
  })
  afterAll(async () => {
    await smtp?.close()
    await database?.close()
  })
  beforeEach(() => {
    clock = NOW
    smtp.received.length = 0
    smtp.state.failures = 0
    logLines = []
  })

  const worker = (overrides: Partial<MailWorkerDeps> = {}): MailWorkerDeps => ({
    db: database.db,
    now: () => clock,
    logger: pino(
      { level: 'info' },
      new Writable({
        write(chunk, _encoding, done) {
          logLines.push(String(chunk))
          done()
        },
      }),
    ),
    transport: createMailTransport({ SMTP_URL: smtp.url }),
    from: 'Event Wizard <tickets@example.test>',
    templates: { appUrl: 'https://tickets.example.test', accessSecret: orderDeps(database.db).accessSecret, invitationSecret: 'invitation-test-secret' },
    ...overrides,
  })
  const placeFreeOrder = async (email = 'ada@example.test') => {
    const { event, tiers } = await eventWithTiers(database.db, [{ name: 'General' }])
    return placeOrder(orderDeps(database.db), { eventId: event.id, items: [{ tierId: tiers[0]!.id, quantity: 2 }], buyer: { name: 'Ada', email } })
  }
  const rowOf = async (orderId: string) =>
    (await asServiceRole(database.db, (tx) => tx.select().from(schema.emailOutbox))).find((row) => (row.payload as { orderId?: string }).orderId === orderId)!

  it('sends the confirmation over SMTP with the link that opens the order, once', async () => {
    const placed = await placeFreeOrder()
    expect(await sendDueEmails(worker())).toEqual({ sent: 1, retried: 0, failed: 0, skipped: 0 })
    expect(smtp.received).toHaveLength(1)
    const [mail] = smtp.received
    expect(mail!.subject).toBe('Your tickets for Autumn Runway')
    expect(mail!.from?.text).toBe('"Event Wizard" <tickets@example.test>')
    expect(mail!.to && 'text' in mail!.to ? mail!.to.text : '').toBe('ada@example.test')
    const link = `https://tickets.example.test/orders/${placed.orderId}?key=${placed.accessKey}`
    expect(mail!.text).toContain(link)
    expect(mail!.html).toContain(`href="${link}"`)
    expect(await rowOf(placed.orderId)).toMatchObject({ status: 'sent', attempts: 1, sentAt: NOW })

    expect(await sendDueEmails(worker())).toEqual({ sent: 0, retried: 0, failed: 0, skipped: 0 })
    expect(smtp.received).toHaveLength(1)
  })

  it('sends nothing for a change that rolled back', async () => {
    const { event } = await eventWithTiers(database.db, [{ name: 'General' }])
    await expect(
      asServiceRole(database.db, async (tx) => {
        await queueEmail(tx, { recipient: 'ghost@example.test', template: 'order-confirmation', payload: { orderId: event.id } })
        throw new Error('the order failed after queueing its e-mail')
      }),
    ).rejects.toThrow('the order failed')
    expect(await sendDueEmails(worker())).toEqual({ sent: 0, retried: 0, failed: 0, skipped: 0 })
    expect(smtp.received).toEqual([])
  })

  it('retries a refused message after a minute and sends it once', async () => {
    const placed = await placeFreeOrder()
    smtp.state.failures = 1
    expect(await sendDueEmails(worker())).toMatchObject({ sent: 0, retried: 1 })
    expect(await rowOf(placed.orderId)).toMatchObject({
      status: 'pending',
      attempts: 1,
      nextAttemptAt: new Date(NOW.getTime() + 60_000),
      lastError: expect.stringMatching(/Mailbox busy/),
    })
    expect(await sendDueEmails(worker())).toMatchObject({ sent: 0, retried: 0 })
    clock = new Date(NOW.getTime() + 60_000)
    expect(await sendDueEmails(worker())).toMatchObject({ sent: 1 })
    expect(await sendDueEmails(worker())).toMatchObject({ sent: 0 })
    expect(smtp.received).toHaveLength(1)
    expect(await rowOf(placed.orderId)).toMatchObject({ status: 'sent', attempts: 2, lastError: null })
  })

  it('backs off 1, 5, 30 and 120 minutes, then gives up and logs it', async () => {
    const placed = await placeFreeOrder()
    smtp.state.failures = 5
    for (const delay of RETRY_DELAYS_MINUTES) {
      expect(await sendDueEmails(worker())).toMatchObject({ retried: 1 })
      const row = await rowOf(placed.orderId)
      expect(row.nextAttemptAt).toEqual(new Date(clock.getTime() + delay * 60_000))
      clock = row.nextAttemptAt
    }
    expect(await sendDueEmails(worker())).toMatchObject({ failed: 1 })
    expect(await rowOf(placed.orderId)).toMatchObject({ status: 'failed', attempts: 5 })
    expect(logLines.some((line) => line.includes('e-mail failed for good'))).toBe(true)
    expect(smtp.received).toEqual([])
  })

  it('two workers at once never send the same e-mail', async () => {
    const placed = await Promise.all(Array.from({ length: 12 }, (_, n) => placeFreeOrder(`buyer-${n}@example.test`)))
    const runs = await Promise.all([sendDueEmails(worker()), sendDueEmails(worker())])
    expect(runs[0]!.sent + runs[1]!.sent).toBe(12)
    expect(smtp.received).toHaveLength(12)
    const recipients = smtp.received.map((mail) => (mail.to && 'text' in mail.to ? mail.to.text : ''))
    expect(new Set(recipients).size).toBe(12)
    for (const order of placed) expect(await rowOf(order.orderId)).toMatchObject({ status: 'sent', attempts: 1 })
  })

  it('without SMTP_URL logs the e-mail (its link without the key) and marks it skipped', async () => {
    const placed = await placeFreeOrder()
    expect(await sendDueEmails(worker({ transport: null }))).toMatchObject({ skipped: 1 })
    expect(await rowOf(placed.orderId)).toMatchObject({ status: 'skipped' })
    const line = logLines.find((entry) => entry.includes('SMTP_URL is not set'))
    expect(line).toContain(`https://tickets.example.test/orders/${placed.orderId}`)
    expect(line).toContain('ada@example.test')
    expect(logLines.join('\n')).not.toContain(placed.accessKey)
  })
})
