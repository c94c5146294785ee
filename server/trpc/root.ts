import { createCallerFactory, createTrpcRouter } from './init'
import { authRouter } from './routers/auth'
import { orgsRouter } from './routers/orgs'

export const appRouter = createTrpcRouter({
  auth: authRouter,
  orgs: orgsRouter,
})

export type AppRouter = typeof appRouter

/** The server-side caller: Remix actions and the copilot call procedures through it. */
export const createCaller = createCallerFactory(appRouter)
