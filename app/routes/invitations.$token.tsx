import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { TRPCError } from '@trpc/server'
import { callerFor } from '../lib/caller.server'
import { requireUser } from '../lib/session.server'

export const meta: MetaFunction = () => [{ title: 'Invitation · Event Wizard' }, { name: 'robots', content: 'noindex' }]

/** An invitation that is not the caller's, expired or used is shown as such, with a 404. */
function invalidInvitation(error: unknown) {
  if (error instanceof TRPCError && error.code === 'NOT_FOUND') return data({ invitation: null, message: error.message }, { status: 404 })
  throw error
}

/** Signed out, the visitor signs in (or up) first and comes back here: `requireUser` keeps the address. */
export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args)
  try {
    const invitation = await (await callerFor(args)).orgs.invitation({ token: args.params.token ?? '' })
    return data({ invitation, message: null })
  } catch (error) {
    return invalidInvitation(error)
  }
}

export async function action(args: ActionFunctionArgs) {
  await requireUser(args)
  try {
    await (await callerFor(args)).orgs.acceptInvitation({ token: args.params.token ?? '' })
  } catch (error) {
    return invalidInvitation(error)
  }
  return redirect('/organizations')
}

export default function Invitation() {
  const loaded = useLoaderData<typeof loader>()
  // A refused acceptance (used or expired meanwhile) answers with the reason in place of the invitation.
  const refused = useActionData<typeof action>()
  const { invitation, message } = refused ?? loaded
  if (!invitation) {
    return (
      <main className="page page--narrow stack">
        <h1>Invitation</h1>
        <p role="alert">{message}</p>
        <p>
          <a href="/organizations">Your organizations</a>
        </p>
      </main>
    )
  }
  return (
    <main className="page page--narrow stack">
      <h1>
        Join {invitation.organizationName} as {invitation.role}
      </h1>
      <p>Members see the organization's events and unfinished wizards.</p>
      <Form method="post" className="actions">
        <button type="submit" className="button button--primary">
          Accept
        </button>
      </Form>
    </main>
  )
}
