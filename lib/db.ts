import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@/generated/prisma/client.ts';
import { env } from './env.ts';

export type Db = InstanceType<typeof PrismaClient>;
export { Prisma } from '@/generated/prisma/client.ts';

/**
 * A Prisma client on its own connection pool. Most code wants the shared `db()`. The default
 * pool holds stats-update's ten parallel transactions (one connection each) with room to
 * spare for the other runs of the same worker.
 */
export function createDb(databaseUrl = env().DATABASE_URL, poolSize = 20): Db {
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString: databaseUrl, max: poolSize, connectionTimeoutMillis: 5_000 }),
  });
}

const globalForDb = globalThis as unknown as { kickoffDb?: Db };

/** The process's shared Prisma client (kept across hot reloads in development). */
export function db(): Db {
  globalForDb.kickoffDb ??= createDb();
  return globalForDb.kickoffDb;
}
