import type { AppLoadContext } from '@remix-run/node'
import QRCode from 'qrcode'
import { callerFor } from './caller.server'
import { notFoundAs404 } from './form-errors.server'

/**
 * The order a visitor may see — by their account, this browser's order cookie, or the `?key=` of the
 * e-mailed link — through the same procedure the typed API serves. Anything else is a 404: not found
 * and not yours look the same.
 */
export async function loadOrder(args: { request: Request; params: { orderId?: string }; context: AppLoadContext }) {
  const key = new URL(args.request.url).searchParams.get('key') ?? undefined
  const caller = await callerFor(args)
  const order = await caller.orders.get({ orderId: args.params.orderId ?? '', accessKey: key }).catch(notFoundAs404)
  return { order, key }
}

/** A ticket's code as a QR code, in SVG: drawn on the server, so it shows without JavaScript. */
export function qrSvgOf(code: string): Promise<string> {
  return QRCode.toString(code, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' })
}

/** The order page's address with the same key the visitor came with, if any. */
export function withKey(path: string, key: string | undefined): string {
  return key ? `${path}?${new URLSearchParams({ key })}` : path
}
