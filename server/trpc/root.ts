import { createCallerFactory, createTrpcRouter } from './init'
import { authRouter } from './routers/auth'

export const appRouter = createTrpcRouter({
  auth: authRouter,
})

export type AppRouter = typeof appRouter

/** The server-side caller: Remix actions and the copilot call procedures through it. */
export const createCaller = createCallerFactory(appRouter)
