import { createCookie } from '@remix-run/node'

/** The browser's session: a short-lived signed JWT, readable by the server only. */
export function createSessionCookie({ secure }: { secure: boolean }) {
  return createCookie('ew_session', {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
  })
}

export type SessionCookie = ReturnType<typeof createSessionCookie>
