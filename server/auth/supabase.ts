import { createServerClient, parseCookieHeader, serializeCookieHeader } from '@supabase/ssr'
import type { Config } from '../config'

/**
 * The server never subscribes to Realtime, but supabase-js builds its Realtime client eagerly and
 * needs a WebSocket, which Node 20 lacks; this transport is never opened.
 */
class NoRealtimeTransport {
  constructor() {
    throw new Error('Realtime is not used on the server')
  }
}

/**
 * A Supabase client for one request, keeping the session in cookies as Supabase's SSR guidance does:
 * it reads the request's cookies and hands every cookie it wants set to `setCookie`.
 */
export function createSupabaseServerClient(
  config: Pick<Config, 'SUPABASE_URL' | 'SUPABASE_ANON_KEY' | 'NODE_ENV'>,
  cookieHeader: string | null,
  setCookie: (serialized: string) => void,
) {
  if (!config.SUPABASE_URL || !config.SUPABASE_ANON_KEY) throw new Error('Supabase is not configured')
  return createServerClient(config.SUPABASE_URL, config.SUPABASE_ANON_KEY, {
    cookies: {
      getAll: () => parseCookieHeader(cookieHeader ?? '').map(({ name, value }) => ({ name, value: value ?? '' })),
      setAll: (cookies) => {
        for (const { name, value, options } of cookies) setCookie(serializeCookieHeader(name, value, options))
      },
    },
    // The browser never talks to Supabase directly here, so its session cookie can be HttpOnly.
    cookieOptions: { httpOnly: true, sameSite: 'lax', secure: config.NODE_ENV === 'production', path: '/' },
    auth: { flowType: 'pkce', detectSessionInUrl: false },
    realtime: { transport: NoRealtimeTransport as unknown as typeof WebSocket },
  })
}

/** Whether a request carries Supabase's session cookie (`sb-<project>-auth-token`, maybe chunked). */
export const hasSupabaseSessionCookie = (cookieHeader: string | null) => /(?:^|;\s*)sb-[^=]+-auth-token(?:\.\d+)?=/.test(cookieHeader ?? '')
