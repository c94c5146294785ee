import { consumePoint } from '../../auth/rate-limits'
import { placeOrder } from '../../orders/place-order'
import { getOrder, myOrders } from '../../orders/read-order'
import { rememberedKey, rememberOrder } from '../../orders/order-cookie'
import { GetOrderInputSchema, PlaceOrderInputSchema } from '../../orders/schemas'
import { createTrpcRouter, idempotencyKeyOf, protectedProcedure, publicProcedure, type TrpcContext } from '../init'

const orderDeps = (ctx: TrpcContext) => ({ db: ctx.app.database.db, now: ctx.app.now, accessSecret: ctx.app.orders.accessSecret })
const signedIn = (ctx: TrpcContext) => (ctx.identity.kind === 'authenticated' ? ctx.identity.claims : undefined)

export const ordersRouter = createTrpcRouter({
  /** Public: buyers need no account. Limited per client IP, generously (an on-sale surge shares addresses). */
  place: publicProcedure.input(PlaceOrderInputSchema).mutation(async ({ ctx, input }) => {
    await consumePoint(ctx.app.rateLimits.ordersPerIp, ctx.http.clientIp)
    const placed = await placeOrder(orderDeps(ctx), input, {
      buyerUserId: signedIn(ctx)?.sub,
      idempotencyKey: idempotencyKeyOf(ctx),
    })
    ctx.http.setCookie(await rememberOrder(ctx.app.orders.cookie, ctx.http.cookieHeader, placed.orderId, placed.accessKey))
    return placed
  }),
  get: publicProcedure.input(GetOrderInputSchema).query(async ({ ctx, input }) =>
    getOrder(orderDeps(ctx), {
      orderId: input.orderId,
      accessKey: input.accessKey,
      cookieKey: await rememberedKey(ctx.app.orders.cookie, ctx.http.cookieHeader, input.orderId),
      claims: signedIn(ctx),
    }),
  ),
  mine: protectedProcedure.query(({ ctx }) => myOrders(orderDeps(ctx), ctx.claims)),
})
