import type { HeadersFunction, LinksFunction, LoaderFunctionArgs } from '@remix-run/node'
import { Form, isRouteErrorResponse, Link, Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteError, useRouteLoaderData } from '@remix-run/react'
import type { ReactNode } from 'react'
import { useNonce } from './components/nonce'
import { getUser } from './lib/session.server'
import styles from './styles/app.css?url'

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: styles },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
]

/** A page answered "try again shortly" (503, the database away for a moment) keeps its Retry-After. */
export const headers: HeadersFunction = ({ errorHeaders }) => {
  const retryAfter = errorHeaders?.get('Retry-After')
  return retryAfter ? { 'Retry-After': retryAfter } : new Headers()
}

export async function loader(args: LoaderFunctionArgs) {
  const user = await getUser(args)
  return { user: user ? { email: user.email ?? null } : null }
}

function Header() {
  const user = useRouteLoaderData<typeof loader>('root')?.user
  return (
    <header className="site-header">
      <Link to="/" className="brand">
        Event Wizard
      </Link>
      <nav aria-label="Account">
        {user ? (
          <>
            <Link to="/orders">My tickets</Link>
            <Link to="/organizations">Organizations</Link>
            <span className="who">{user.email}</span>
            <Form method="post" action="/sign-out">
              <button type="submit" className="link-button">
                Sign out
              </button>
            </Form>
          </>
        ) : (
          <>
            <Link to="/sign-in">Sign in</Link>
            <Link to="/sign-up" className="button button--primary button--small">
              Create account
            </Link>
          </>
        )}
      </nav>
    </header>
  )
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce()
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <Header />
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  )
}

export default function App() {
  return <Outlet />
}

/** A page a person can act on, never a stack trace. */
export function ErrorBoundary() {
  const error = useRouteError()
  const notFound = isRouteErrorResponse(error) && error.status === 404
  return (
    <main className="page page--narrow">
      <h1>{notFound ? 'Page not found' : 'Something went wrong'}</h1>
      <p>
        {notFound
          ? 'There is nothing at this address. If someone sent you a link to an event, it may have been mistyped, or the event is no longer public.'
          : 'We could not show this page. Please try again in a moment.'}
      </p>
      <p>
        {/* Visitors of a public page land here as often as organizers do. */}
        <a href="/">Go to the home page</a>
      </p>
    </main>
  )
}
