import pg from 'pg';
import { Cluster, Redis } from 'ioredis';

export interface DependencyCheck {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

async function timed(check: () => Promise<unknown>): Promise<DependencyCheck> {
  const start = performance.now();
  try {
    await check();
    return { ok: true, latencyMs: Math.round((performance.now() - start) * 10) / 10 };
  } catch (error) {
    return { ok: false, latencyMs: Math.round(performance.now() - start), error: error instanceof Error ? error.message || error.name : String(error) };
  }
}

/** Connects to the server in `url` (the database itself may not exist yet) and runs `SELECT 1`. */
export function checkPostgres(url: string, database?: string): Promise<DependencyCheck> {
  return timed(async () => {
    const target = new URL(url);
    if (database) target.pathname = `/${database}`;
    const client = new pg.Client({ connectionString: target.toString(), connectionTimeoutMillis: 3_000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
    } finally {
      await client.end().catch(() => {});
    }
  });
}

/** The Redis in use: the cluster when `REDIS_CLUSTER_NODES` is set (as every connection Kickoff makes), else `REDIS_URL`. */
export function checkRedis(settings: { REDIS_URL: string; REDIS_CLUSTER_NODES: readonly { host: string; port: number }[] }): Promise<DependencyCheck> {
  return timed(async () => {
    const nodes = settings.REDIS_CLUSTER_NODES;
    const options = { lazyConnect: true, connectTimeout: 3_000, maxRetriesPerRequest: 0 } as const;
    const client =
      nodes.length > 0
        ? new Cluster([...nodes], { lazyConnect: true, clusterRetryStrategy: () => null, redisOptions: options })
        : new Redis(settings.REDIS_URL, { ...options, retryStrategy: () => null });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.ping();
    } finally {
      client.disconnect();
    }
  });
}

/** Where `checkRedis` looked, for messages. */
export function redisTarget(settings: { REDIS_URL: string; REDIS_CLUSTER_NODES: readonly { host: string; port: number }[] }): string {
  const nodes = settings.REDIS_CLUSTER_NODES;
  return nodes.length > 0 ? `the Redis Cluster at ${nodes.map((node) => `${node.host}:${node.port}`).join(',')} (REDIS_CLUSTER_NODES)` : maskUrl(settings.REDIS_URL);
}

/** Hides the password in a connection URL before it is printed. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
