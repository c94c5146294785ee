/** The e-mails the app sends; the worker renders each from its payload when it sends it. */
export const emailTemplates = ['order-confirmation'] as const
export type EmailTemplate = (typeof emailTemplates)[number]
