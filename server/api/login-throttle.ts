/**
 * Failed sign-ins in a sliding window, in memory: once a client address or a user name has had
 * `limit` failures within `windowMs`, further attempts are refused until the oldest one leaves
 * the window — whatever password they carry. Memory stays bounded: at most `limit` timestamps
 * per key and at most `maxKeys` keys (the stalest key goes first).
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit = 20,
    private readonly windowMs = 60_000,
    private readonly maxKeys = 50_000,
  ) {}

  /** Milliseconds until an attempt for these keys may be made, 0 when it may be made now. */
  retryAfterMs(keys: readonly string[], now = Date.now()): number {
    let wait = 0;
    for (const key of keys) {
      const times = this.recent(key, now);
      if (times.length >= this.limit) wait = Math.max(wait, times[times.length - this.limit]! + this.windowMs - now);
    }
    return wait;
  }

  recordFailure(keys: readonly string[], now = Date.now()): void {
    for (const key of keys) {
      const times = this.recent(key, now);
      times.push(now);
      if (times.length > this.limit) times.splice(0, times.length - this.limit);
      // Re-insert so that the Map's order is least recently failed first.
      this.failures.delete(key);
      this.failures.set(key, times);
    }
    while (this.failures.size > this.maxKeys) this.failures.delete(this.failures.keys().next().value!);
  }

  private recent(key: string, now: number): number[] {
    const times = this.failures.get(key);
    if (!times) return [];
    const fresh = times.filter((t) => t > now - this.windowMs);
    if (fresh.length === 0) this.failures.delete(key);
    else if (fresh.length !== times.length) this.failures.set(key, fresh);
    return fresh;
  }
}
