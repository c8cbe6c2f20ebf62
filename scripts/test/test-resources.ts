import { Redis } from 'ioredis';
import { parseEnv } from '../../lib/env.ts';
import { applyMigrations, dropDatabase, ensureDatabase } from '../lib/prisma-engine.ts';

/** A database URL on the configured server with another database name. */
export function withDatabase(url: string, name: string): string {
  const target = new URL(url);
  target.pathname = `/${name}`;
  return target.toString();
}

export async function createTestDatabase(name: string): Promise<string> {
  const url = withDatabase(parseEnv(process.env).DATABASE_URL, name);
  await ensureDatabase(url);
  await applyMigrations(url, { quiet: true });
  return url;
}

/** A hash-tagged prefix, so tests run on Redis Cluster too. */
export function createTestPrefix(suffix: string): string {
  return `{kickoff-test-${suffix}}`;
}

/** Deletes every key of a prefix (and of prefixes derived from it). */
export async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(parseEnv(process.env).REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    const pattern = `${prefix.replace(/[*?[\]]/g, '\\$&').replace(/\}$/, '')}*`;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export async function dropTestResources(databaseUrl: string, queuePrefix: string): Promise<void> {
  await Promise.allSettled([dropDatabase(databaseUrl), deleteRedisKeys(queuePrefix)]);
}
