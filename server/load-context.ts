import type { AppContext } from './app-context'

/** What server/http.ts hands every loader and action. */
export interface LoadContext {
  app: AppContext
  requestId: string
  cspNonce: string
}

declare module '@remix-run/node' {
  interface AppLoadContext extends LoadContext {}
}
