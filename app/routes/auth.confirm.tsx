import { type LoaderFunctionArgs, redirect } from '@remix-run/node'
import { Link } from '@remix-run/react'
import { confirmSignInLink } from '../../server/auth/accounts'
import { safeRedirect } from '../../server/auth/safe-redirect'
import { DomainError } from '../../server/errors'

/** Where Supabase's sign-in e-mails lead: the link becomes a session in cookies. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url)
  const resHeaders = new Headers()
  try {
    await confirmSignInLink(
      context.app,
      {
        clientIp: context.clientIp,
        cookieHeader: request.headers.get('cookie'),
        setCookie: (cookie) => resHeaders.append('Set-Cookie', cookie),
      },
      { tokenHash: url.searchParams.get('token_hash'), code: url.searchParams.get('code') },
    )
  } catch (error) {
    if (error instanceof DomainError) return { problem: error.message }
    throw error
  }
  return redirect(safeRedirect(url.searchParams.get('next'), context.app.config.APP_URL), { headers: resHeaders })
}

export default function ConfirmSignIn() {
  return (
    <main className="page page--narrow">
      <h1>This link did not work</h1>
      <p>It may have expired or been used already.</p>
      <p>
        <Link to="/sign-in">Ask for a new sign-in link</Link>
      </p>
    </main>
  )
}
