/**
 * Every Redis key Kickoff keeps besides BullMQ's own, in one place. All start with the queue
 * prefix (a hash tag such as `{kickoff}`), so each lands in one slot on Redis Cluster and a
 * test's prefix owns every key it makes.
 */

export const kickoffKeys = {
  jobLock: (prefix: string, jobName: string) => `${prefix}:kickoff:lock:job:${jobName}`,
  schedulerSyncLock: (prefix: string) => `${prefix}:kickoff:lock:scheduler-sync`,
  reconcilerLock: (prefix: string) => `${prefix}:kickoff:lock:reconciler`,
  /**
   * Set by the reconciler (to the time it was set) and never expired: when it is gone, this
   * Redis has lost its data (a restart without persistence, a flush, an eviction) or is new, and
   * the reconciler checks every unfinished run against the queues at once, not only stale ones.
   */
  reconcilerMark: (prefix: string) => `${prefix}:kickoff:reconciler:mark`,
  alertsLock: (prefix: string) => `${prefix}:kickoff:lock:alerts`,
  alertsCursor: (prefix: string) => `${prefix}:kickoff:alerts:cursor`,
  /** When a worker's alert engine last finished a round; the web app's watchdog stands in while it is old. */
  alertsEvaluatedAt: (prefix: string) => `${prefix}:kickoff:alerts:evaluated-at`,
  /** Hash of the alert channels that are failing (breaker state, last error), written by whoever delivers. */
  alertsChannelHealth: (prefix: string) => `${prefix}:kickoff:alerts:channel-health`,
  alertsBacklogSince: (prefix: string, ruleId: string) => `${prefix}:kickoff:alerts:backlog-since:${ruleId}`,
  /** Hash `<workerId>:<resource>` → when a worker was first seen over a worker-resources rule's limit. */
  alertsResourceSince: (prefix: string, ruleId: string) => `${prefix}:kickoff:alerts:resource-since:${ruleId}`,
  telegramPollLock: (prefix: string) => `${prefix}:kickoff:lock:telegram-poll`,
  telegramOffset: (prefix: string) => `${prefix}:kickoff:telegram:offset`,
  /** rate-limiter-flexible key prefixes (it appends `:<key>`): the cooldown per job and person, runs per person per hour. */
  triggerCooldownPrefix: (prefix: string) => `${prefix}:kickoff:cooldown`,
  manualTriggersPrefix: (prefix: string) => `${prefix}:kickoff:manual-triggers`,
  /** The one run that waits for an exclusive job's holder to end, for runs the system asks for meanwhile (its id). */
  followUp: (prefix: string, jobName: string) => `${prefix}:kickoff:follow-up:${jobName}`,
  /** Runs a worker's gate holds back while Kickoff is paused (`<category>/<runId>`), promoted on resume. */
  heldRuns: (prefix: string) => `${prefix}:kickoff:held`,
  cancelled: (prefix: string, runId: string) => `${prefix}:kickoff:cancelled:${runId}`,
  controlChannel: (prefix: string) => `${prefix}:kickoff:control`,
  /** The shared rate limit of `ctx.batch` / `SharedRateLimiter` called `name`; its keys add `:window`, `:state`, … */
  rateLimit: (prefix: string, name: string) => `${prefix}:kickoff:ratelimit:${name}`,
  /** `ctx.batch`'s cached-data fallback: the last good answer of one item (`key`) of a job. */
  batchAnswer: (prefix: string, jobName: string, key: string) => `${prefix}:kickoff:batch-answer:${jobName}:${key}`,
};

/** Counts the workers keep for `/api/metrics`, which the web process serves (`lib/metrics/league-metrics.ts`). */
export const metricsKeys = {
  /** Hash of league counters: `notify:<kind>`, `runs:<kind>:<job>:<outcome>`, `rollback:<step>`. */
  league: (prefix: string) => `${prefix}:kickoff:metrics:league`,
  /** Hash of upstream request durations: `<route>|<le>` (count per bucket) and `<route>|sum` (seconds). */
  upstreamLatency: (prefix: string) => `${prefix}:kickoff:metrics:upstream-latency`,
  /** Set for a minute by the first worker that counts a NOTIFY (every worker hears each one). */
  notifySeen: (prefix: string, digest: string) => `${prefix}:kickoff:metrics:notify-seen:${digest}`,
};

/** Keys of the two-level cache (`lib/cache/`). */
export const cacheKeys = {
  /** One cached value; `key` is the cache key, such as `live:match:12`. */
  entry: (prefix: string, key: string) => `${prefix}:kickoff:cache:${key}`,
  /** Pub/sub channel on which every process hears which local copies to drop. */
  invalidations: (prefix: string) => `${prefix}:kickoff:cache-invalidations`,
  /** Hash of hit and miss totals of every process, fields such as `live:hits`. */
  stats: (prefix: string) => `${prefix}:kickoff:cache-stats`,
};

/**
 * Failed sign-ins, counted by rate-limiter-flexible (`lib/auth/sign-in-limiter.ts`). These are
 * its `keyPrefix`es: it appends `:<email>` or `:<client address>`.
 */
export const signInKeys = {
  failuresByAccount: (prefix: string) => `${prefix}:kickoff:sign-in-failures:account`,
  failuresByAddress: (prefix: string) => `${prefix}:kickoff:sign-in-failures:address`,
};
