/**
 * Which user each copilot thread belongs to. The runtime keeps threads in one in-memory store keyed by
 * the thread id the browser chose; this keeps one user from running, reconnecting to or stopping
 * another's thread. Bounded: the oldest threads are forgotten first, as the runtime's store does.
 */
export class ThreadOwners {
  private readonly owners = new Map<string, string>()

  constructor(private readonly limit = 10_000) {}

  /** Records the owner of a new thread; false when the thread is someone else's. */
  claim(threadId: string, userId: string): boolean {
    const owner = this.owners.get(threadId)
    if (owner !== undefined) return owner === userId
    this.owners.set(threadId, userId)
    if (this.owners.size > this.limit) this.owners.delete(this.owners.keys().next().value!)
    return true
  }
}
