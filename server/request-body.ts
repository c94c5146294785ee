/**
 * A request body as text, read only up to `maxBytes`: null when it is (or says it is) larger. It is
 * counted while it streams in, so an oversized body is neither held in memory nor waited for. The
 * stream is left paused rather than cancelled: cancelling destroys the socket the answer must go out on.
 */
export async function readTextWithin(request: Request, maxBytes: number): Promise<string | null> {
  const declared = Number(request.headers.get('content-length') ?? 0)
  if (declared > maxBytes) return null
  if (!request.body) return ''
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      if (size > maxBytes) return null
      chunks.push(value)
    }
  } finally {
    reader.releaseLock()
  }
  return Buffer.concat(chunks).toString('utf8')
}
