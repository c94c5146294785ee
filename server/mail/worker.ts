import { and, eq, inArray, sql } from 'drizzle-orm'
import type { Transporter } from 'nodemailer'
import type { Database } from '../../db/client'
import { queryRows } from '../../db/client'
import { asServiceRole } from '../../db/rls'
import { emailOutbox } from '../../db/schema'
import type { Logger } from '../logger'
import { renderEmail, type TemplateContext } from './templates'

/** After the 1st, 2nd, 3rd and 4th failure; the 5th marks the e-mail failed. */
export const RETRY_DELAYS_MINUTES = [1, 5, 30, 120] as const
/** A claimed e-mail is due again after this long if its sender died before saying how it went. */
const CLAIM_LEASE_MINUTES = 10
const BATCH_SIZE = 20

export interface MailWorkerDeps {
  db: Database
  now: () => Date
  logger: Logger
  /** Null without SMTP_URL: e-mails are logged and marked skipped. */
  transport: Pick<Transporter, 'sendMail'> | null
  from: string
  templates: TemplateContext
}

export interface MailRunResult {
  sent: number
  retried: number
  failed: number
  skipped: number
}

type ClaimedEmail = Pick<typeof emailOutbox.$inferSelect, 'id' | 'recipient' | 'template' | 'payload' | 'attempts'>

/**
 * Sends the e-mails that are due. They are claimed first, in a short transaction, with `FOR UPDATE
 * SKIP LOCKED` (two workers never take the same row) and a lease that makes them due again later, so
 * no transaction stays open while an SMTP server answers; each is then marked sent, or rescheduled.
 */
export async function sendDueEmails(deps: MailWorkerDeps): Promise<MailRunResult> {
  const result: MailRunResult = { sent: 0, retried: 0, failed: 0, skipped: 0 }
  const claimed = await claimDue(deps)
  for (const email of claimed) {
    try {
      const outcome = await deliver(deps, email)
      await settle(deps, email, { status: outcome, sentAt: outcome === 'sent' ? deps.now() : null, lastError: null })
      result[outcome]++
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      const delay = RETRY_DELAYS_MINUTES[email.attempts - 1]
      if (delay === undefined) {
        deps.logger.error({ emailId: email.id, template: email.template, attempts: email.attempts, err: message }, 'e-mail failed for good')
        await settle(deps, email, { status: 'failed', lastError: message })
        result.failed++
      } else {
        deps.logger.warn({ emailId: email.id, template: email.template, attempts: email.attempts, err: message }, 'e-mail not sent; will retry')
        await settle(deps, email, { lastError: message, nextAttemptAt: new Date(deps.now().getTime() + delay * 60_000) })
        result.retried++
      }
    }
  }
  return result
}

async function claimDue(deps: MailWorkerDeps): Promise<ClaimedEmail[]> {
  const now = deps.now()
  const leaseEnd = new Date(now.getTime() + CLAIM_LEASE_MINUTES * 60_000)
  return asServiceRole(deps.db, async (tx) => {
    const claimed = await queryRows<{ id: string }>(
      tx,
      sql`update event_wizard.email_outbox o
          set attempts = o.attempts + 1, next_attempt_at = ${leaseEnd.toISOString()}::timestamptz
          where o.id in (
            select d.id from event_wizard.email_outbox d
            where d.status = 'pending' and d.next_attempt_at <= ${now.toISOString()}::timestamptz
            order by d.next_attempt_at
            limit ${BATCH_SIZE}
            for update skip locked
          )
          returning o.id`,
    )
    if (claimed.length === 0) return []
    return tx
      .select({
        id: emailOutbox.id,
        recipient: emailOutbox.recipient,
        template: emailOutbox.template,
        payload: emailOutbox.payload,
        attempts: emailOutbox.attempts,
      })
      .from(emailOutbox)
      .where(
        inArray(
          emailOutbox.id,
          claimed.map((row) => row.id),
        ),
      )
      .orderBy(emailOutbox.createdAt)
  })
}

async function deliver(deps: MailWorkerDeps, email: ClaimedEmail): Promise<'sent' | 'skipped'> {
  const rendered = await asServiceRole(deps.db, (tx) => renderEmail(tx, deps.templates, email.template, email.payload))
  if (!deps.transport) {
    // The links go to the log without their keys: a log is not a place for secrets.
    deps.logger.info({ to: email.recipient, subject: rendered.subject, links: rendered.loggableLinks }, 'e-mail not sent: SMTP_URL is not set')
    return 'skipped'
  }
  await deps.transport.sendMail({ from: deps.from, to: email.recipient, subject: rendered.subject, text: rendered.text, html: rendered.html })
  return 'sent'
}

/** Records how a claimed e-mail went, unless another worker has claimed it since (its lease ran out). */
async function settle(deps: MailWorkerDeps, email: ClaimedEmail, change: Partial<typeof emailOutbox.$inferInsert>) {
  await asServiceRole(deps.db, (tx) =>
    tx
      .update(emailOutbox)
      .set(change)
      .where(and(eq(emailOutbox.id, email.id), eq(emailOutbox.attempts, email.attempts))),
  )
}

/** Runs the worker every `intervalMs` until stopped; one run at a time per instance. */
export function scheduleMailWorker(deps: MailWorkerDeps, intervalMs: number): () => void {
  let running = false
  const run = async () => {
    if (running) return
    running = true
    try {
      const result = await sendDueEmails(deps)
      if (result.sent + result.retried + result.failed + result.skipped > 0) deps.logger.info(result, 'e-mail outbox worked')
    } catch (error) {
      deps.logger.error({ err: error }, 'e-mail outbox worker failed')
    } finally {
      running = false
    }
  }
  const timer = setInterval(run, intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}
