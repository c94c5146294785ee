/** What one `wizard.merge` call of a load worker came back with. */
export type MergeOutcome =
  | { kind: 'answered'; worker: number; status: number; retryAfter: string | null; body: string }
  | { kind: 'hung' | 'failed'; worker: number; error: string }

export interface MergeWorker {
  token: string
  sessionId: string
}

/**
 * Concurrent workers, each merging into its own wizard session through the typed API, one call after
 * another, until stopped. Every call has a client timeout: a call that never answers is recorded as
 * `hung`, one whose connection broke as `failed` — both are failures of the server.
 */
export function startMergeLoad(url: string, workers: MergeWorker[], options: { requestTimeoutMs: number }) {
  const outcomes: MergeOutcome[] = []
  let stopping = false

  async function mergeOnce(worker: number, { token, sessionId }: MergeWorker, n: number): Promise<MergeOutcome> {
    try {
      const response = await fetch(`${url}/api/trpc/wizard.merge`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ json: { sessionId, stage: 'organizerSetup', data: { name: `Organizer ${worker}.${n}` } } }),
        signal: AbortSignal.timeout(options.requestTimeoutMs),
      })
      return { kind: 'answered', worker, status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.text() }
    } catch (error) {
      const name = error instanceof Error ? error.name : ''
      return { kind: name === 'TimeoutError' ? 'hung' : 'failed', worker, error: String(error) }
    }
  }

  const running = workers.map(async (worker, index) => {
    for (let n = 0; !stopping; n++) outcomes.push(await mergeOnce(index, worker, n))
  })

  return {
    outcomes,
    /** Calls of each worker that were acknowledged (200), from `since` (an index into `outcomes`) on. */
    acknowledged(since = 0): number[] {
      const counts = workers.map(() => 0)
      for (const outcome of outcomes.slice(since)) {
        if (outcome.kind === 'answered' && outcome.status === 200) counts[outcome.worker]! += 1
      }
      return counts
    },
    failures: () => outcomes.filter((outcome) => outcome.kind !== 'answered'),
    async stop() {
      stopping = true
      await Promise.all(running)
    },
  }
}
