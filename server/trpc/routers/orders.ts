import { consumePoint } from '../../auth/rate-limits'
import { rememberedKey, rememberOrder } from '../../cookies/order-cookie'
import { placeOrder } from '../../orders/place-order'
import { checkoutPageOf, getOrder, myOrders } from '../../orders/read-order'
import { RefundOrderInputSchema, refundOrder } from '../../orders/refund-order'
import { type GetOrderInput, GetOrderInputSchema, PlaceOrderInputSchema } from '../../orders/schemas'
import { createTrpcRouter, idempotencyKeyOf, protectedProcedure, publicProcedure, type TrpcContext } from '../init'

/** Every way this request may reach an order: the given key, this browser's cookie, the account. */
const orderAccess = async (ctx: TrpcContext, input: GetOrderInput) => ({
  orderId: input.orderId,
  accessKey: input.accessKey,
  cookieKey: await rememberedKey(ctx.app.orders.cookie, ctx.http.cookieHeader, input.orderId),
  claims: signedIn(ctx),
})
const signedIn = (ctx: TrpcContext) => (ctx.identity.kind === 'authenticated' ? ctx.identity.claims : undefined)

export const ordersRouter = createTrpcRouter({
  /** Public: buyers need no account. Limited per client IP, generously (an on-sale surge shares addresses). */
  place: publicProcedure.input(PlaceOrderInputSchema).mutation(async ({ ctx, input }) => {
    await consumePoint(ctx.app.rateLimits.ordersPerIp, ctx.http.clientIp)
    const placed = await placeOrder(ctx.deps, input, {
      buyerUserId: signedIn(ctx)?.sub,
      idempotencyKey: idempotencyKeyOf(ctx),
    })
    ctx.http.setCookie(await rememberOrder(ctx.app.orders.cookie, ctx.http.cookieHeader, placed.orderId, placed.accessKey))
    return placed
  }),
  get: publicProcedure.input(GetOrderInputSchema).query(async ({ ctx, input }) => getOrder(ctx.deps, await orderAccess(ctx, input))),
  /** A pending order's Checkout page again (the buyer left it, or lost it): `{ url }`, null once closed. */
  checkout: publicProcedure.input(GetOrderInputSchema).query(async ({ ctx, input }) => checkoutPageOf(ctx.deps, await orderAccess(ctx, input))),
  mine: protectedProcedure.query(({ ctx }) => myOrders(ctx.deps, ctx.claims)),
  /** The organizer's: a paid order refunded through Stripe, a free or unpaid one cancelled; seats released. */
  refund: protectedProcedure.input(RefundOrderInputSchema).mutation(({ ctx, input }) => refundOrder(ctx.deps, ctx.claims, input)),
})
