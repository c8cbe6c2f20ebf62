/**
 * Redis keys of the two-level cache, all under the queue prefix (a hash tag such as
 * `{kickoff}`), in the style of `kickoffKeys`, so they land on one slot on Redis Cluster.
 */
export const cacheKeys = {
  /** One cached value; `key` is the cache key, such as `live:match:12`. */
  entry: (prefix: string, key: string) => `${prefix}:kickoff:cache:${key}`,
  /** Pub/sub channel on which every process hears which local copies to drop. */
  invalidations: (prefix: string) => `${prefix}:kickoff:cache-invalidations`,
  /** Hash of hit and miss totals of every process, fields such as `live:hits`. */
  stats: (prefix: string) => `${prefix}:kickoff:cache-stats`,
};
