// A bounded cache of answers with a time to live per answer, that coalesces lookups in flight: the
// first caller starts the lookup and every caller for the same key until it settles awaits the same
// promise, so 10,000 rows of one domain cost one DNS query.

interface Entry<V> {
  readonly value: Promise<V>;
  /** Epoch ms; Infinity while the lookup is in flight. */
  expires: number;
}

export class TtlCache<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number,
  ) {}

  /** `load` must not reject: failures are values (with their own, short, TTL). */
  get(key: string, load: () => Promise<V>, ttlMs: (value: V) => number): Promise<V> {
    const hit = this.entries.get(key);
    if (hit !== undefined && hit.expires > this.now()) return hit.value;
    if (hit !== undefined) this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.evictOldest();
    const value = load();
    const entry: Entry<V> = { value, expires: Infinity };
    this.entries.set(key, entry);
    value.then(
      (v) => (entry.expires = this.now() + ttlMs(v)),
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return value;
  }

  get size(): number {
    return this.entries.size;
  }

  // Map iterates in insertion order: the first keys are the oldest (a lookup again re-inserts).
  private evictOldest(): void {
    const drop = Math.max(1, Math.floor(this.maxEntries / 10));
    let n = 0;
    for (const key of this.entries.keys()) {
      if (n++ >= drop) break;
      this.entries.delete(key);
    }
  }
}
