import { createCookie } from '@remix-run/node'

export const SESSION_COOKIE_NAME = 'ew_session'

/** The browser's session: a short-lived signed JWT, readable by the server only. */
export function createSessionCookie({ secure }: { secure: boolean }) {
  return createCookie(SESSION_COOKIE_NAME, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
  })
}

export type SessionCookie = ReturnType<typeof createSessionCookie>
