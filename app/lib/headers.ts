import type { HeadersFunction } from '@remix-run/node'

/** Lets an action's response headers (such as Retry-After) reach the page it renders. */
export const forwardActionHeaders: HeadersFunction = ({ actionHeaders, loaderHeaders }) => {
  const headers = new Headers(loaderHeaders)
  actionHeaders.forEach((value, name) => headers.set(name, value))
  return headers
}
