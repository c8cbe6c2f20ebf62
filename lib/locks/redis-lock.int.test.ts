import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { RedisLock } from './redis-lock.ts';

const prefix = useOwnQueuePrefix('lock');
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
afterAll(() => redis.disconnect());

describe('RedisLock', () => {
  it('is held by one owner at a time, released only by its owner, and expires after its TTL', async () => {
    const lock = new RedisLock(redis, `${prefix}:t1`);
    expect(await lock.acquire('a', 300)).toEqual({ acquired: true });
    expect(await lock.acquire('b', 300)).toEqual({ acquired: false, holder: 'a' });
    expect(await lock.release('b')).toBe(false);
    expect(await lock.holder()).toBe('a');
    expect(await lock.renew('a', 300)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await lock.holder()).toBeNull();
    expect((await lock.acquire('b', 1_000)).acquired).toBe(true);
    expect(await lock.release('b')).toBe(true);
  });

  it('runs one withLock body at a time across connections', async () => {
    const other = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    let inside = 0;
    let maxInside = 0;
    const body = async () => {
      inside += 1;
      maxInside = Math.max(maxInside, inside);
      await new Promise((resolve) => setTimeout(resolve, 30));
      inside -= 1;
    };
    const results = await Promise.all(
      [redis, other, redis, other].map((connection, index) => new RedisLock(connection, `${prefix}:t2`).withLock(`owner-${index}`, 2_000, body, 5_000)),
    );
    other.disconnect();
    expect(results.every((result) => result.ran)).toBe(true);
    expect(maxInside).toBe(1);
  });
});
