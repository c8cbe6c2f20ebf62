import { z } from 'zod';
import type { Db } from './db.ts';

/**
 * Run-time settings, stored in PostgreSQL (one JSON value per key) and changed in the
 * dashboard. Each has a schema and a default; a stored value that no longer fits its schema
 * reads as the default.
 */
export const settingSchemas = {
  /** Scheduled fires run. Off: a fire is recorded as `skipped` (lib/jobs/run-policy.ts). */
  'triggers.schedule': z.boolean().default(true),
  /** People may trigger runs from the dashboard. */
  'triggers.manual': z.boolean().default(true),
  /** Services may trigger runs with an API key. */
  'triggers.api': z.boolean().default(true),
  /** Pause everything: no run starts on any worker (see lib/jobs/run-policy.ts for every path). */
  'engine.paused': z.boolean().default(false),
  /** Manual triggers one person may make per hour (admins may override). */
  'triggers.manualPerUserPerHour': z.number().int().min(1).max(10_000).default(10),
  /** Seconds before the same person may trigger the same job again (0: no cooldown). */
  'triggers.jobCooldownSeconds': z.number().int().min(0).max(86_400).default(3),
  /** stats-update after a finished gameweek (the NOTIFY listener). */
  'stats.postMatch': z.boolean().default(true),
  /** stats-update from the League pages' "Update stats" button. */
  'stats.admin': z.boolean().default(true),
  /** stats-update nightly at 02:00. */
  'stats.cron': z.boolean().default(true),
  /** Finished runs older than this many days are removed by the clean-up job. */
  'runs.retentionDays': z.number().int().min(1).max(3650).default(30),
} as const;

export type SettingKey = keyof typeof settingSchemas;
export type Settings = { [K in SettingKey]: z.output<(typeof settingSchemas)[K]> };

export function defaultSettings(): Settings {
  return Object.fromEntries(Object.entries(settingSchemas).map(([key, schema]) => [key, schema.parse(undefined)])) as Settings;
}

let cache: { at: number; value: Settings } | undefined;
const cacheMs = 1_000;

/** Every setting, read at most once a second per process. */
export async function readSettings(db: Db, fresh = false): Promise<Settings> {
  if (!fresh && cache && Date.now() - cache.at < cacheMs) return cache.value;
  let rows;
  try {
    rows = await db.setting.findMany();
  } catch (error) {
    // PostgreSQL is away: carry on with the settings last read, if any.
    if (cache) return cache.value;
    throw error;
  }
  const value = defaultSettings();
  for (const row of rows) {
    const schema = settingSchemas[row.key as SettingKey];
    const parsed = schema?.safeParse(row.value);
    if (parsed?.success) (value as Record<string, unknown>)[row.key] = parsed.data;
  }
  cache = { at: Date.now(), value };
  return value;
}

export async function writeSetting<K extends SettingKey>(db: Db, key: K, value: Settings[K], updatedBy: string | null): Promise<void> {
  const parsed = settingSchemas[key].parse(value);
  await db.setting.upsert({
    where: { key },
    create: { key, value: parsed as never, updatedBy },
    update: { value: parsed as never, updatedBy },
  });
  cache = undefined;
}

/** Changes settings and records each change, with before and after, in the audit log. */
export async function updateSettings(
  db: Db,
  patch: Partial<Settings>,
  audit: (before: Partial<Settings>, after: Partial<Settings>) => Promise<void>,
  updatedBy: string,
): Promise<Settings> {
  const current = await readSettings(db, true);
  const before: Partial<Settings> = {};
  const after: Partial<Settings> = {};
  for (const key of Object.keys(patch) as SettingKey[]) {
    const value = patch[key];
    if (value === undefined || value === current[key]) continue;
    (before as Record<string, unknown>)[key] = current[key];
    (after as Record<string, unknown>)[key] = value;
    await writeSetting(db, key, value as never, updatedBy);
  }
  if (Object.keys(after).length > 0) await audit(before, after);
  return readSettings(db, true);
}
