import { TwoLevelCache } from '@/lib/cache/two-level-cache.ts';
import { env, upstreamUrl } from '@/lib/env.ts';
import { LeagueClock } from '@/lib/league/league-clock.ts';
import { UpstreamClient } from '@/lib/league/upstream-client.ts';
import { logger } from '@/lib/logger.ts';
import { createRedis } from '@/lib/redis.ts';
import type { JobClock } from '../../define-handler.ts';

/**
 * What the league jobs share in a worker process: where the upstream is, and the process's
 * two-level cache. A run makes its own UpstreamClient (`upstream()`), so the requests it
 * counts are that run's.
 */
export interface LeagueServices {
  upstream(): UpstreamClient;
  cache: TwoLevelCache;
  /** League time: the upstream's clock (lib/league/league-clock.ts). */
  clock: LeagueClock;
}

let services: LeagueServices | undefined;
let ownConnection: { disconnect(): void } | undefined;

/** The process's league services, made on first use (the cache subscribes to invalidations then). */
export async function leagueServices(): Promise<LeagueServices> {
  if (!services) {
    const baseUrl = upstreamUrl(env());
    // A fail-fast connection: a cache call must not wait out a Redis outage (the worker's BullMQ
    // connections do); with Redis down the cache reads through to PostgreSQL.
    const connection = createRedis('client');
    connection.on('error', (error: unknown) => logger.debug({ err: error instanceof Error ? error.message : String(error) }, 'cache connection error'));
    const cache = new TwoLevelCache({ redis: connection });
    ownConnection = connection;
    await cache.start();
    services = { upstream: () => new UpstreamClient({ baseUrl }), cache, clock: new LeagueClock({ baseUrl }) };
  }
  return services;
}

/**
 * The clock the league jobs' windows and conditions are judged by (worker/run-gate.ts): the
 * upstream's, so "match time" and "the selection period" are the league's, not the machine's.
 */
export const leagueTime: JobClock = {
  name: 'league time',
  now: async () => (await leagueServices()).clock.now(),
};

/** For tests: an upstream simulator of the test's own, and a cache on its prefix. */
export function useLeagueServices(replacement: LeagueServices | undefined): void {
  services = replacement;
}

export async function closeLeagueServices(): Promise<void> {
  await services?.cache.close();
  ownConnection?.disconnect();
  ownConnection = undefined;
  services = undefined;
}
