import { afterAll, inject } from 'vitest';
import { dropDatabase } from '../lib/prisma-engine.ts';
import { createTestDatabase } from './test-resources.ts';

/**
 * Gives a test file a migrated database of its own, for tests that own shared tables (the
 * league data: one season, team ids 1..20) and must not see another file's writes. Await it
 * at the top of the file, before anything touches `db()`; it is dropped after the file.
 */
export async function useOwnDatabase(name: string): Promise<string> {
  const runDatabase = new URL(inject('databaseUrl')).pathname.slice(1);
  const url = await createTestDatabase(`${runDatabase}_${name.replace(/\W/g, '_')}`.slice(0, 63));
  process.env.DATABASE_URL = url;
  afterAll(async () => {
    await dropDatabase(url);
  });
  return url;
}
