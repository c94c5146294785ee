import { and, desc, eq } from 'drizzle-orm'
import { asServiceRole } from '../../db/rls'
import * as schema from '../../db/schema'
import { renderEmail } from '../../server/mail/templates'
import type { Api } from './organizers'
import type { TestServer } from './server'

/**
 * The token in the newest invitation e-mail queued for `email`, read from the link the e-mail would
 * carry (rendered as the worker renders it), so tests follow the same way in as the invitee.
 */
export async function invitationTokenFor(server: TestServer, email: string): Promise<string> {
  const rendered = await asServiceRole(server.app.database.db, async (tx) => {
    const [queued] = await tx
      .select()
      .from(schema.emailOutbox)
      .where(and(eq(schema.emailOutbox.recipient, email.toLowerCase()), eq(schema.emailOutbox.template, 'organization-invitation')))
      .orderBy(desc(schema.emailOutbox.createdAt))
      .limit(1)
    if (!queued) throw new Error(`no invitation queued for ${email}`)
    const context = { appUrl: 'https://app.example.test', accessSecret: server.app.orders.accessSecret, invitationSecret: server.app.orgs.invitationSecret }
    return renderEmail(tx, context, queued.template, queued.payload)
  })
  const token = /https:\/\/app\.example\.test\/invitations\/([\w-]+)/.exec(rendered.text)?.[1]
  if (!token) throw new Error('the invitation e-mail has no link')
  return token
}

/** Makes `person` a member through an invitation, as the organization's owner or admin would. */
export async function joinOrganization(
  server: TestServer,
  manager: { api: Api },
  person: { api: Api; email: string },
  organizationId: string,
  role: 'admin' | 'member',
) {
  await manager.api.orgs.invite.mutate({ organizationId, email: person.email, role })
  await person.api.orgs.acceptInvitation.mutate({ token: await invitationTokenFor(server, person.email) })
}
