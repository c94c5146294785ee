import { consumePoint } from '../../auth/rate-limits'
import { orderDepsOf } from '../../orders/deps'
import { placeOrder } from '../../orders/place-order'
import { getOrder, myOrders } from '../../orders/read-order'
import { refundOrder, RefundOrderInputSchema } from '../../orders/refund-order'
import { rememberedKey, rememberOrder } from '../../orders/order-cookie'
import { GetOrderInputSchema, PlaceOrderInputSchema } from '../../orders/schemas'
import { createTrpcRouter, idempotencyKeyOf, protectedProcedure, publicProcedure, type TrpcContext } from '../init'

const orderDeps = (ctx: TrpcContext) => orderDepsOf(ctx.app)
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
  /** The organizer's: a paid order refunded through Stripe, a free or unpaid one cancelled; seats released. */
  refund: protectedProcedure.input(RefundOrderInputSchema).mutation(({ ctx, input }) => refundOrder(orderDeps(ctx), ctx.claims, input)),
})
