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

/** How long Redis keeps `key`, in milliseconds. */
export function ttlMsOf(key: string): number {
  return cacheFamilies[familyOf(key)].ttlMs;
}
