import { type AppLoadContext, redirect } from '@remix-run/node'
import type { AuthenticatedClaims } from '../../server/auth/identity'
import { unavailableResponse } from './caller.server'

/** The signed-in user, or null. */
export async function getUser({ request, context }: { request: Request; context: AppLoadContext }) {
  const identity = await context.app.auth.readIdentity(request).catch((error: unknown) => {
    throw unavailableResponse(error) ?? error
  })
  return identity.kind === 'authenticated' ? identity.claims : null
}

/** The signed-in user; a signed-out visitor goes to sign-in and comes back here afterwards. */
export async function requireUser(args: { request: Request; context: AppLoadContext }): Promise<AuthenticatedClaims> {
  const user = await getUser(args)
  if (user) return user
  const url = new URL(args.request.url)
  const redirectTo = `${url.pathname}${url.search}`
  throw redirect(`/sign-in?${new URLSearchParams({ redirectTo })}`)
}
