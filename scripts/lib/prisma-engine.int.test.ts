import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { withDatabase } from '../test/test-resources.ts';
import { applyMigrations, dropDatabase, ensureDatabase, migrationsDir } from './prisma-engine.ts';

const name = `kickoff_engine_test_${randomBytes(4).toString('hex')}`;
const url = withDatabase(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/kickoff', name);

const folders = readdirSync(migrationsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(migrationsDir, entry.name, 'migration.sql')))
  .map((entry) => entry.name)
  .sort();

async function query<R extends pg.QueryResultRow>(databaseUrl: string, sql: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<R>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

const migrationRows = () =>
  query<{ migration_name: string; checksum: string; finished: boolean }>(
    url,
    'SELECT migration_name, checksum, finished_at IS NOT NULL AND rolled_back_at IS NULL AS finished FROM _prisma_migrations ORDER BY migration_name',
  );

describe('prisma-engine on a database of its own', () => {
  // Only matters when a step fails before the last test drops it.
  afterAll(() => dropDatabase(url));

  it('creates the database only when it is missing', async () => {
    expect(await ensureDatabase(url)).toBe(true);
    expect(await ensureDatabase(url)).toBe(false);
  });

  it('applies every migration folder and records it as `prisma migrate deploy` does', async () => {
    expect(folders.length).toBeGreaterThan(0);
    expect(await applyMigrations(url, { quiet: true })).toEqual(folders);

    const rows = await migrationRows();
    expect(rows.map((row) => row.migration_name)).toEqual(folders);
    for (const row of rows) {
      expect(row.finished).toBe(true);
      const sql = readFileSync(join(migrationsDir, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
    }
    const [jobRun] = await query<{ exists: boolean }>(url, `SELECT to_regclass('public."JobRun"') IS NOT NULL AS exists`);
    expect(jobRun?.exists).toBe(true);
  });

  it('applies nothing the second time', async () => {
    expect(await applyMigrations(url, { quiet: true })).toEqual([]);
    expect(await migrationRows()).toHaveLength(folders.length);
  });

  it('drops the database even while a connection is open to it', async () => {
    const holder = new pg.Client({ connectionString: url });
    holder.on('error', () => {}); // terminated by dropDatabase, as intended
    await holder.connect();
    try {
      await dropDatabase(url);
    } finally {
      await holder.end().catch(() => {});
    }
    const remaining = await query(withDatabase(url, 'postgres'), 'SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    expect(remaining).toHaveLength(0);
  });
});
