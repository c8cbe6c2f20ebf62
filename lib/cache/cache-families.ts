/**
 * The families of cache keys and how long Redis keeps each. A key's family is the part
 * before its first `:`, as in `live:match:12`, `league:3:standings:2` or `event:current`.
 */
export const cacheFamilies = {
  /** Live match data. */
  live: { ttlMs: 60_000 },
  /** Player values. */
  player: { ttlMs: 5 * 60_000 },
  /** Event status, such as `event:current`. */
  event: { ttlMs: 2 * 60_000 },
  /** League standings, such as `league:{id}:standings:{page}`. */
  league: { ttlMs: 15 * 60_000 },
  /** Tournament standings, such as `tournament:{id}:standings`. */
  tournament: { ttlMs: 30 * 60_000 },
  /** Entries. */
  entry: { ttlMs: 10 * 60_000 },
  /** Historical data. */
  history: { ttlMs: 60 * 60_000 },
  /** Teams and phases, such as `meta:team:{id}`. */
  meta: { ttlMs: 60 * 60_000 },
  /** Analytics: the real-time views and the hourly materialized view, such as `analytics:event:{id}:stats`. */
  analytics: { ttlMs: 2 * 60 * 60_000 },
} as const satisfies Record<string, { ttlMs: number }>;

export type CacheFamily = keyof typeof cacheFamilies;

export const cacheFamilyNames = Object.keys(cacheFamilies) as CacheFamily[];

/** The family of `key`; throws for a key whose family is not in `cacheFamilies`. */
export function familyOf(key: string): CacheFamily {
  const family = key.split(':', 1)[0]!;
  if (!Object.hasOwn(cacheFamilies, family)) {
    throw new Error(`cache key ${JSON.stringify(key)} has unknown family ${JSON.stringify(family)}: expected one of ${cacheFamilyNames.join(', ')}`);
  }
  return family as CacheFamily;
}

/** Whether `key` belongs to a family (the cache library's own keys, such as its tag keys, do not). */
export function isFamilyKey(key: string): boolean {
  return Object.hasOwn(cacheFamilies, key.split(':', 1)[0]!);
}

/** How long a value of `key` is fresh, in milliseconds. */
export function ttlMsOf(key: string): number {
  return cacheFamilies[familyOf(key)].ttlMs;
}

/**
 * The groups `key` belongs to: every prefix of it that ends in `:` (`league:`, `league:12:`,
 * `league:12:standings:` for `league:12:standings:3`). Each is a cache tag, so dropping a group
 * (`invalidatePattern('league:12:')`) or a family (`purge('league')`) reaches every process.
 */
export function groupsOf(key: string): string[] {
  const groups: string[] = [];
  for (let at = key.indexOf(':'); at !== -1 && at < key.length - 1; at = key.indexOf(':', at + 1)) groups.push(key.slice(0, at + 1));
  return groups;
}
