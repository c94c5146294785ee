import { createCookie } from '@remix-run/node'
import { z } from 'zod'

/** Orders remembered per browser; the oldest are forgotten first (their e-mail link still works). */
const REMEMBERED_ORDERS = 20

/**
 * The orders placed in this browser, by id, with their access keys: how a buyer without an account
 * (and without JavaScript) reaches the order page again. HttpOnly; not signed, because each key is
 * checked against its order's hash anyway, so a forged cookie opens nothing.
 */
export function createOrderCookie({ secure }: { secure: boolean }) {
  return createCookie('ew_orders', { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: 60 * 60 * 24 * 365 })
}
export type OrderCookie = ReturnType<typeof createOrderCookie>

const RememberedOrdersSchema = z.array(z.tuple([z.uuid(), z.string().min(1).max(200)])).max(REMEMBERED_ORDERS)

/** The remembered orders, or none when the cookie is absent or not ours. */
export async function rememberedOrders(cookie: OrderCookie, cookieHeader: string | null): Promise<[string, string][]> {
  const parsed = RememberedOrdersSchema.safeParse(await cookie.parse(cookieHeader).catch(() => null))
  return parsed.success ? parsed.data : []
}

/** The key this browser holds for an order, if it placed it. */
export async function rememberedKey(cookie: OrderCookie, cookieHeader: string | null, orderId: string): Promise<string | undefined> {
  return (await rememberedOrders(cookie, cookieHeader)).find(([id]) => id === orderId)?.[1]
}

/** The Set-Cookie header that adds an order to those remembered. */
export async function rememberOrder(cookie: OrderCookie, cookieHeader: string | null, orderId: string, accessKey: string): Promise<string> {
  const others = (await rememberedOrders(cookie, cookieHeader)).filter(([id]) => id !== orderId)
  return cookie.serialize([[orderId, accessKey], ...others].slice(0, REMEMBERED_ORDERS))
}
