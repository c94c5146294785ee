import type { AddressInfo } from 'node:net'
import { type ParsedMail, simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

/** A real SMTP server on a free port: what it received, parsed; it refuses the next `failures` messages. */
export async function startSmtpServer() {
  const received: ParsedMail[] = []
  const state = { failures: 0 }
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          if (state.failures > 0) {
            state.failures--
            const refusal = Object.assign(new Error('Mailbox busy, try later'), { responseCode: 451 })
            callback(refusal)
            return
          }
          received.push(mail)
          callback()
        },
        (error: Error) => callback(error),
      )
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.server.address() as AddressInfo
  return { url: `smtp://127.0.0.1:${port}`, received, state, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

export type SmtpTestServer = Awaited<ReturnType<typeof startSmtpServer>>
