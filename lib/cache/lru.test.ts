import { describe, expect, it } from 'vitest';
import { LruCache } from './lru.ts';

describe('LruCache', () => {
  it('evicts the least recently used entry first, where a read counts as a use', () => {
    const lru = new LruCache<number>({ maxEntries: 3 });
    lru.set('a', 1, 60_000);
    lru.set('b', 2, 60_000);
    lru.set('c', 3, 60_000);
    expect(lru.get('a')).toBe(1); // a is now the most recent; b the least
    lru.set('d', 4, 60_000);
    expect(lru.get('b')).toBeUndefined();
    expect([lru.get('a'), lru.get('c'), lru.get('d')]).toEqual([1, 3, 4]);
    lru.set('c', 33, 60_000); // overwriting counts as a use too: a goes next
    lru.set('e', 5, 60_000);
    expect(lru.get('a')).toBeUndefined();
    expect(lru.size).toBe(3);
  });

  it('drops an entry once its own expiry has passed', () => {
    let now = 1_000;
    const lru = new LruCache<string>({ maxEntries: 10, now: () => now });
    lru.set('short', 'x', 100);
    lru.set('long', 'y', 1_000);
    now += 99;
    expect(lru.get('short')).toBe('x');
    now += 1;
    expect(lru.get('short')).toBeUndefined();
    expect(lru.size).toBe(1);
    expect(lru.get('long')).toBe('y');
    lru.set('none', 'z', 0);
    expect(lru.get('none')).toBeUndefined();
  });

  it('deletes by predicate and refuses a size it cannot keep', () => {
    const lru = new LruCache<number>();
    for (const key of ['league:1:a', 'league:1:b', 'league:2:a']) lru.set(key, 1, 1_000);
    expect(lru.deleteWhere((key) => key.startsWith('league:1:'))).toBe(2);
    expect(lru.get('league:2:a')).toBe(1);
    expect(() => new LruCache({ maxEntries: 0 })).toThrow(RangeError);
  });
});
