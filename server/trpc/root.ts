import { createCallerFactory, createTrpcRouter } from './init'
import { authRouter } from './routers/auth'
import { eventsRouter } from './routers/events'
import { ordersRouter } from './routers/orders'
import { orgsRouter } from './routers/orgs'
import { paymentsRouter } from './routers/payments'
import { ticketsRouter } from './routers/tickets'
import { wizardRouter } from './routers/wizard'

export const appRouter = createTrpcRouter({
  auth: authRouter,
  orgs: orgsRouter,
  wizard: wizardRouter,
  events: eventsRouter,
  payments: paymentsRouter,
  orders: ordersRouter,
  tickets: ticketsRouter,
})

export type AppRouter = typeof appRouter

/** The server-side caller: Remix actions and the copilot call procedures through it. */
export const createCaller = createCallerFactory(appRouter)
