import nodemailer from 'nodemailer'
import type { Config } from '../config'

/** The SMTP connection from SMTP_URL, or null without one (e-mails are then logged and skipped). */
export function createMailTransport(config: Pick<Config, 'SMTP_URL'>) {
  return config.SMTP_URL ? nodemailer.createTransport(config.SMTP_URL) : null
}
