import type { AppContext } from './app-context'

/** What server/http.ts hands every loader and action. */
export interface LoadContext {
  app: AppContext
  requestId: string
  cspNonce: string
  /** The client's address (through trusted proxies per TRUST_PROXY), for per-IP limits. */
  clientIp: string
}

declare module '@remix-run/node' {
  interface AppLoadContext extends LoadContext {}
}
