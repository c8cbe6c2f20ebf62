/**
 * A small least-recently-used map with a maximum number of entries and an expiry per
 * entry. A Map keeps insertion order, so re-inserting on use keeps the oldest first.
 */
export interface LruCacheOptions {
  /**
   * Most entries kept; setting one more evicts the least recently used.
   * @defaultValue 1000
   */
  maxEntries?: number;
  /**
   * Clock, in milliseconds, for expiry.
   * @defaultValue Date.now
   */
  now?: () => number;
}

export class LruCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: LruCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 1000;
    this.now = options.now ?? Date.now;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer, got ${this.maxEntries}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The value of `key` if present and not expired; marks it most recently used. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Stores `value` for `ttlMs`, evicting the least recently used entries beyond the maximum. */
  set(key: string, value: V, ttlMs: number): void {
    this.entries.delete(key);
    if (ttlMs <= 0) return;
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
  }

  delete(key: string): boolean {
    return this.entries.delete(key);
  }

  /** Deletes every entry whose key matches; returns how many. */
  deleteWhere(matches: (key: string) => boolean): number {
    let deleted = 0;
    for (const key of [...this.entries.keys()]) if (matches(key) && this.entries.delete(key)) deleted += 1;
    return deleted;
  }

  clear(): void {
    this.entries.clear();
  }
}
