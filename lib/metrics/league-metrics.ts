import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { env } from '../env.ts';
import { logger } from '../logger.ts';
import { redis as sharedRedis } from '../redis.ts';
import { kickoffKeys, metricsKeys } from '../redis-keys.ts';

/**
 * The league pack's database-trigger and hybrid metrics. The workers see the events (NOTIFYs
 * in the listener, upstream requests, rolled-back writes) but the web process serves
 * `/api/metrics`, so the counts are kept in Redis hashes (HINCRBY, never lowered) that the
 * scrape reads (`readLeagueMetrics`). A count that cannot reach Redis is logged and lost,
 * never thrown into the job.
 */

/** Upper bounds (seconds) of `kickoff_upstream_request_duration_seconds`. */
export const upstreamLatencyBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10] as const;

const log = logger.child({ component: 'league-metrics' });
const failed = (what: string) => (error: unknown) => log.warn({ err: error instanceof Error ? error.message : String(error) }, `${what} not counted: Redis unreachable`);

/**
 * The kind of a league NOTIFY, for the counts: what turned on (`event-live`, `event-finished`,
 * `fixture-started`, `fixture-finished`), else `event-changed` / `fixture-changed` (a deadline
 * moved, a flag went off), and `unreadable` for a payload that is not a league change.
 */
export function notificationKind(notification: { table: string; changes: Record<string, { old?: unknown; new?: unknown }> } | undefined): string {
  if (!notification) return 'unreadable';
  const table = notification.table.toLowerCase();
  const on = (field: string) => notification.changes[field]?.new === true && notification.changes[field]?.old !== true;
  const turned = table === 'event' ? ['live', 'finished'].find((flag) => on(flag === 'live' ? 'isLive' : flag)) : ['started', 'finished'].find((flag) => on(flag));
  return `${table}-${turned ?? 'changed'}`;
}

/**
 * Counts one NOTIFY of `kind`, once however many workers heard it: the first to set the
 * payload's digest (for a minute) counts it. Resolves true for that first worker.
 */
export async function countNotification(kind: string, payload: string, connection: Redis = sharedRedis(), prefix = env().QUEUE_PREFIX): Promise<boolean> {
  try {
    const digest = createHash('sha1').update(payload).digest('hex');
    const first = (await connection.set(metricsKeys.notifySeen(prefix, digest), '1', 'PX', 60_000, 'NX')) === 'OK';
    if (first) await connection.hincrby(metricsKeys.league(prefix), `notify:${kind}`, 1);
    return first;
  } catch (error) {
    failed('notification')(error);
    return false;
  }
}

/** Counts a run a NOTIFY of `kind` asked for: `queued` (a new run), `coalesced` (waits for a running one) or `failed`. */
export function countNotificationRun(kind: string, jobName: string, outcome: 'queued' | 'coalesced' | 'failed', connection: Redis = sharedRedis(), prefix = env().QUEUE_PREFIX): Promise<void> {
  return connection.hincrby(metricsKeys.league(prefix), `runs:${kind}:${jobName}:${outcome}`, 1).then(() => undefined, failed('notification run'));
}

/** Counts a league write rolled back (`step`: `tables`, the meta and live jobs' table writes; `standings`, the hybrid jobs' standings writes). */
export function countRollback(step: 'tables' | 'standings', connection: Redis = sharedRedis(), prefix = env().QUEUE_PREFIX): Promise<void> {
  return connection.hincrby(metricsKeys.league(prefix), `rollback:${step}`, 1).then(() => undefined, failed('rollback'));
}

/** Counts one upstream request of `route` that took `seconds` (answered or not). */
export function recordUpstreamLatency(route: string, seconds: number, connection: Redis = sharedRedis(), prefix = env().QUEUE_PREFIX): Promise<void> {
  const le = upstreamLatencyBuckets.find((bound) => seconds <= bound) ?? Infinity;
  const key = metricsKeys.upstreamLatency(prefix);
  return connection
    .multi()
    .hincrby(key, `${route}|${le}`, 1)
    .hincrbyfloat(key, `${route}|sum`, seconds)
    .exec()
    .then(() => undefined, failed('upstream latency'));
}

export interface LeagueMetricsSnapshot {
  notifications: { kind: string; notifications: number }[];
  notificationRuns: { kind: string; jobName: string; outcome: string; runs: number }[];
  rollbacks: { step: string; rollbacks: number }[];
  /** Per route and bucket (not cumulative); `le` is a bound of `upstreamLatencyBuckets` or Infinity. */
  upstreamLatency: { route: string; le: number; requests: number; seconds: number }[];
  rateLimits: { limiter: string; remaining: number; resetSeconds: number }[];
}

/** What the workers counted, and the shared rate limits' budget now. */
export async function readLeagueMetrics(connection: Redis = sharedRedis(), prefix = env().QUEUE_PREFIX): Promise<LeagueMetricsSnapshot> {
  const [league, latency, rateLimits] = await Promise.all([connection.hgetall(metricsKeys.league(prefix)), connection.hgetall(metricsKeys.upstreamLatency(prefix)), readRateLimits(connection, prefix)]);
  const snapshot: LeagueMetricsSnapshot = { notifications: [], notificationRuns: [], rollbacks: [], upstreamLatency: [], rateLimits };
  for (const [field, value] of Object.entries(league)) {
    const [what, ...rest] = field.split(':');
    if (what === 'notify' && rest.length === 1) snapshot.notifications.push({ kind: rest[0]!, notifications: Number(value) });
    if (what === 'runs' && rest.length === 3) snapshot.notificationRuns.push({ kind: rest[0]!, jobName: rest[1]!, outcome: rest[2]!, runs: Number(value) });
    if (what === 'rollback' && rest.length === 1) snapshot.rollbacks.push({ step: rest[0]!, rollbacks: Number(value) });
  }
  const sums = new Map<string, number>();
  for (const [field, value] of Object.entries(latency)) {
    const [route, bound] = field.split('|');
    if (bound === 'sum') sums.set(route!, Number(value));
  }
  for (const [field, value] of Object.entries(latency)) {
    const [route, bound] = field.split('|');
    if (!route || bound === 'sum') continue;
    const le = bound === 'Infinity' ? Infinity : Number(bound);
    if (le !== Infinity && !(upstreamLatencyBuckets as readonly number[]).includes(le)) continue;
    // The sum is kept per route; it goes with the first bucket row of the route.
    const seconds = sums.get(route) ?? 0;
    sums.delete(route);
    snapshot.upstreamLatency.push({ route, le, requests: Number(value), seconds });
  }
  return snapshot;
}

/**
 * The budget of each shared rate limit (worker/batch/shared-rate-limiter.ts) now: calls still
 * allowed in its window at its current rate (0 while an upstream's "retry after" pauses it),
 * and the seconds until the window frees a call. Limits seen in no call for ten windows have
 * expired and are not listed.
 */
async function readRateLimits(connection: Redis, prefix: string): Promise<LeagueMetricsSnapshot['rateLimits']> {
  const base = kickoffKeys.rateLimit(prefix, '');
  const nodes = connection.isCluster ? (connection as unknown as Cluster).nodes('master') : [connection];
  const stateKeys = new Set<string>();
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${base.replace(/[*?[\]\\]/g, '\\$&')}*:state`, 'COUNT', 200);
      cursor = next;
      for (const key of keys) stateKeys.add(key);
    } while (cursor !== '0');
  }
  const [seconds, micros] = (await connection.time()) as [string, string] | [number, number];
  const now = Number(seconds) * 1_000 + Math.floor(Number(micros) / 1_000);
  const limits: LeagueMetricsSnapshot['rateLimits'] = [];
  for (const stateKey of [...stateKeys].sort()) {
    const name = stateKey.slice(base.length, -':state'.length);
    const state = await connection.hgetall(stateKey);
    const max = Number(state.max);
    const perMs = Number(state.perMs);
    if (!(max > 0 && perMs > 0)) continue; // written by a limiter from before these fields
    const floor = Math.max(1, Math.ceil(max * 0.1));
    const limit = Math.min(max, Math.max(floor, Number(state.rate ?? max)));
    const window = `${kickoffKeys.rateLimit(prefix, name)}:window`;
    const [used, oldest, pauseMs] = await Promise.all([
      connection.zcount(window, now - perMs + 1, '+inf'),
      connection.zrange(window, '0', '0', 'WITHSCORES'),
      connection.pttl(`${kickoffKeys.rateLimit(prefix, name)}:pause`),
    ]);
    const paused = pauseMs > 0;
    const remaining = paused ? 0 : Math.max(0, limit - used);
    const freesAt = oldest.length === 2 ? Number(oldest[1]) + perMs : now;
    limits.push({ limiter: name, remaining, resetSeconds: Math.max(0, paused ? pauseMs / 1_000 : remaining > 0 ? 0 : (freesAt - now) / 1_000) });
  }
  return limits;
}
