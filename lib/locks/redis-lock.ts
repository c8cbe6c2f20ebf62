import type { Redis } from 'ioredis';

/**
 * A lock in Redis with a TTL: held by one owner token at a time, renewed while its work
 * lives, released only by its owner, and gone by itself after a crash once the TTL passes.
 * Keys start with the queue prefix (a hash tag), so it works on Redis Cluster too.
 */
export class RedisLock {
  constructor(
    private readonly redis: Redis,
    readonly key: string,
  ) {}

  /** Takes the lock for `owner`, or returns the current holder. */
  async acquire(owner: string, ttlMs: number): Promise<{ acquired: true } | { acquired: false; holder: string | null }> {
    const result = await this.redis.set(this.key, owner, 'PX', Math.max(1, Math.round(ttlMs)), 'NX');
    if (result === 'OK') return { acquired: true };
    return { acquired: false, holder: await this.redis.get(this.key) };
  }

  /** Extends the lock if `owner` still holds it. */
  async renew(owner: string, ttlMs: number): Promise<boolean> {
    const result = await this.redis.eval(
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end",
      1,
      this.key,
      owner,
      String(Math.max(1, Math.round(ttlMs))),
    );
    return result === 1;
  }

  /** Releases the lock if `owner` holds it. */
  async release(owner: string): Promise<boolean> {
    const result = await this.redis.eval(
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
      1,
      this.key,
      owner,
    );
    return result === 1;
  }

  /** Renews the lock for `owner` every third of its TTL until the returned function is called. */
  keepAlive(owner: string, ttlMs: number): () => void {
    const renewal = setInterval(() => void this.renew(owner, ttlMs).catch(() => {}), Math.max(100, ttlMs / 3));
    return () => clearInterval(renewal);
  }

  holder(): Promise<string | null> {
    return this.redis.get(this.key);
  }

  /**
   * Runs `fn` while holding the lock, renewing it every third of its TTL. Waits up to
   * `waitMs` for the lock; returns `{ ran: false }` when it could not be had.
   */
  async withLock<T>(owner: string, ttlMs: number, fn: () => Promise<T>, waitMs = 0): Promise<{ ran: true; value: T } | { ran: false }> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      if ((await this.acquire(owner, ttlMs)).acquired) break;
      if (Date.now() >= deadline) return { ran: false };
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
    }
    const stopRenewal = this.keepAlive(owner, ttlMs);
    try {
      return { ran: true, value: await fn() };
    } finally {
      stopRenewal();
      await this.release(owner).catch(() => {});
    }
  }
}
