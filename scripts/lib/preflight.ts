import type { Env } from '../../lib/env.ts';
import { checkPostgres, checkRedis, maskUrl, redisTarget } from '../../lib/health.ts';

/**
 * Checks that PostgreSQL and Redis answer before anything starts, and says how to start
 * the one that does not.
 */
export async function preflight(settings: Env): Promise<string[]> {
  const [postgres, redis] = await Promise.all([checkPostgres(settings.DATABASE_URL, 'postgres'), checkRedis(settings)]);
  const problems: string[] = [];
  if (!postgres.ok) {
    problems.push(
      `Cannot reach PostgreSQL at ${maskUrl(settings.DATABASE_URL)} (${postgres.error}).\n` +
        `    Start it (Debian: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start)\n` +
        `    or point DATABASE_URL at a running server.`,
    );
  }
  if (!redis.ok) {
    problems.push(
      `Cannot reach Redis at ${redisTarget(settings)} (${redis.error}).\n` +
        (settings.REDIS_CLUSTER_NODES.length > 0
          ? `    Start the cluster's nodes or correct REDIS_CLUSTER_NODES.`
          : `    Start it (redis-server --daemonize yes --bind 127.0.0.1 --port 6379)\n    or point REDIS_URL at a running server.`),
    );
  }
  return problems;
}
