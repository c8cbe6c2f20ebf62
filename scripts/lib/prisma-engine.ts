/**
 * Prisma without its native binaries: migrations through the WebAssembly build of Prisma's
 * schema engine and the `pg` driver adapter, client generation through the CLI (which
 * generates in WebAssembly). Same folder layout and `_prisma_migrations` table as
 * `prisma migrate deploy`, so a machine with the CLI binary sees the same history.
 * See shared/recipes/prisma-offline.md for how this was established.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as wasmBindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import { maskUrl } from '../../lib/health.ts';

const root = new URL('../..', import.meta.url).pathname;
export const schemaPath = join(root, 'prisma', 'schema.prisma');
export const migrationsDir = join(root, 'prisma', 'migrations');
/** The schema each new migration is diffed from: the schema as of the latest migration. */
const snapshotPath = join(migrationsDir, 'schema.snapshot.prisma');
const generatedDir = join(root, 'generated', 'prisma');
const filters = { externalTables: [], externalEnums: [] };

type SchemaEngine = Awaited<ReturnType<typeof wasmBindings.SchemaEngine.new>>;
let wasmReady: Promise<void> | undefined;

function loadWasm(): Promise<void> {
  wasmReady ??= (async () => {
    const wasmFile = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg').replace(/\.js$/, '.wasm');
    // The engine arms timers (a 10 s timeout in every applyMigrations) but imports no
    // clearTimeout, so they outlive the call and would hold the process open; unref them.
    const imports: Record<string, unknown> = { ...wasmBindings };
    for (const [name, binding] of Object.entries(wasmBindings)) {
      if (name.startsWith('__wbg_setTimeout_')) {
        imports[name] = (...args: unknown[]) => {
          const timer = (binding as (...a: unknown[]) => { unref?: () => void })(...args);
          timer.unref?.();
          return timer;
        };
      }
    }
    const { instance } = await WebAssembly.instantiate(readFileSync(wasmFile), { './schema_engine_bg.js': imports as never });
    const exports = instance.exports as WebAssembly.Exports & { __wbindgen_start: () => void };
    wasmBindings.__wbg_set_wasm(exports);
    exports.__wbindgen_start();
  })();
  return wasmReady;
}

function poolConfig(url: string): pg.PoolConfig {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username || 'postgres'),
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '') || 'postgres'),
    max: 2,
    connectionTimeoutMillis: 5_000,
  };
}

interface ScriptRunner {
  client: { query(sql: string): Promise<unknown> };
  onError(error: unknown): never;
  executeScript(script: string): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * The pg adapter runs a migration by splitting it on every `;`, which breaks a function body
 * (`$$ … ; … $$`). PostgreSQL takes the whole script in one simple query, as `prisma migrate`
 * with its native engine does, so the adapters the engine gets run it that way.
 * The engine never disposes the adapters it opens (their pools would keep the process alive
 * for pg's 10 s idle timeout), so they are collected in `opened` for the caller to dispose.
 */
function runScriptsWhole<F extends { connect(): Promise<unknown>; connectToShadowDb(): Promise<unknown> }>(
  factory: F,
  opened: ScriptRunner[],
): F {
  const patch = <A,>(adapter: A): A => {
    const runner = adapter as unknown as ScriptRunner;
    runner.executeScript = async (script: string) => {
      try {
        await runner.client.query(script);
      } catch (error) {
        runner.onError(error);
      }
    };
    opened.push(runner);
    return adapter;
  };
  const connect = factory.connect.bind(factory);
  const connectToShadowDb = factory.connectToShadowDb.bind(factory);
  factory.connect = async () => patch(await connect());
  factory.connectToShadowDb = async () => patch(await connectToShadowDb());
  return factory;
}

async function withEngine<T>(databaseUrl: string | null, use: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  await loadWasm();
  const schemaText = readFileSync(schemaPath, 'utf8');
  const opened: ScriptRunner[] = [];
  const adapter = runScriptsWhole(new PrismaPg(poolConfig(databaseUrl ?? 'postgresql://postgres@127.0.0.1:5432/postgres')), opened);
  const engine = await wasmBindings.SchemaEngine.new({ datamodels: [[schemaPath, schemaText]] }, () => {}, bindMigrationAwareSqlAdapterFactory(adapter));
  try {
    return await use(engine);
  } finally {
    engine.free();
    await Promise.allSettled(opened.map((runner) => runner.dispose()));
  }
}

function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!name) throw new Error(`DATABASE_URL ${maskUrl(url)} names no database`);
  return name;
}

async function withMaintenanceClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...poolConfig(url), database: 'postgres' });
  try {
    await client.connect();
  } catch (error) {
    const hint = (error as { code?: string }).code === 'ECONNREFUSED' ? ' (is it running? `pg_lsclusters` lists clusters, `pg_ctlcluster <version> main start` starts one)' : '';
    throw new Error(`cannot reach PostgreSQL at ${maskUrl(url)}: ${errorMessage(error)}${hint}`);
  }
  try {
    return await use(client);
  } finally {
    await client.end().catch(() => {});
  }
}

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Creates the database named in `url` when it does not exist yet. Returns whether it did. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const name = databaseName(url);
  return withMaintenanceClient(url, async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
    } catch (error) {
      // Another process created it at the same moment.
      if ((error as { code?: string }).code !== '42P04') throw error;
      return false;
    }
    return true;
  });
}

/** Drops the database named in `url`, closing its connections first. */
export async function dropDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  await withMaintenanceClient(url, async (client) => {
    await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)}`);
  });
}

function migrationFolders(): string[] {
  if (!existsSync(migrationsDir)) return [];
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(migrationsDir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort();
}

function migrationsList() {
  return {
    baseDir: migrationsDir,
    lockfile: { path: 'migration_lock.toml', content: 'provider = "postgresql"\n' },
    shadowDbInitScript: '',
    migrationDirectories: migrationFolders().map((folder) => ({
      path: folder,
      migrationFile: { path: 'migration.sql', content: { tag: 'ok' as const, value: readFileSync(join(migrationsDir, folder, 'migration.sql'), 'utf8') } },
    })),
  };
}

/** Applies the migrations that the database named in `url` has not had yet; returns their names. */
export async function applyMigrations(url: string, options: { quiet?: boolean } = {}): Promise<string[]> {
  const { appliedMigrationNames } = await withEngine(url, (engine) => engine.applyMigrations({ migrationsList: migrationsList(), filters })).catch(
    (error: unknown) => {
      throw new Error(`migrating ${maskUrl(url)} failed: ${errorMessage(error)}`);
    },
  );
  if (!options.quiet) {
    console.log(appliedMigrationNames.length > 0 ? `applied ${appliedMigrationNames.join(', ')}` : 'database is up to date');
  }
  return appliedMigrationNames;
}

/**
 * Writes `prisma/migrations/<timestamp>_<name>/migration.sql` from the change between the
 * schema of the latest migration and prisma/schema.prisma. Needs no database.
 */
export async function createMigration(name: string): Promise<string | null> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`migration name "${name}" must use only a-z, 0-9 and _`);
  const schemaText = readFileSync(schemaPath, 'utf8');
  const from = existsSync(snapshotPath)
    ? { tag: 'schemaDatamodel' as const, files: [{ path: snapshotPath, content: readFileSync(snapshotPath, 'utf8') }] }
    : { tag: 'empty' as const };
  const to = { tag: 'schemaDatamodel' as const, files: [{ path: schemaPath, content: schemaText }] };
  const result = await withEngine(null, (engine) => engine.diff({ from, to, script: true, exitCode: null, filters }));
  const sql = (result as { stdout?: string }).stdout ?? '';
  if (!sql.trim() || /^-- This is an empty migration\.\s*$/.test(sql.trim())) return null;
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const folder = `${stamp}_${name}`;
  mkdirSync(join(migrationsDir, folder), { recursive: true });
  writeFileSync(join(migrationsDir, folder, 'migration.sql'), sql);
  writeFileSync(snapshotPath, schemaText);
  const lock = join(migrationsDir, 'migration_lock.toml');
  if (!existsSync(lock)) writeFileSync(lock, '# Please do not edit this file manually\nprovider = "postgresql"\n');
  return folder;
}

/** Generates the Prisma client into generated/prisma unless it was generated from this very schema. */
export async function generateClient(options: { force?: boolean } = {}): Promise<'generated' | 'up to date'> {
  const hash = createHash('sha256').update(readFileSync(schemaPath)).digest('hex');
  const stamp = join(generatedDir, '.schema-hash');
  if (!options.force && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return 'up to date';
  const result = spawnSync(join(root, 'node_modules', '.bin', 'prisma'), ['generate'], {
    cwd: root,
    // Generation runs in WebAssembly; the CLI only insists that an engine binary path exists.
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false', PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`prisma generate failed:\n${result.stdout}\n${result.stderr}`);
  writeFileSync(stamp, hash);
  return 'generated';
}
