/**
 * The Runs table's server side: sort (validated, every order paged exactly by its cursor), the
 * export (CSV with RFC 4180 escaping, NDJSON, streamed), and bulk retry or cancel by filter
 * (exactly the runs matching, bounded, confirmed count).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest, createTestApiKey, routeParams } from '@/scripts/test/api-keys.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { csvField } from '@/lib/data/run-export.ts';
import { db } from '@/lib/db.ts';
import { queues } from '@/lib/queue/queues.ts';
import { redis } from '@/lib/redis.ts';
import { bulkFilterLimit } from '@/lib/validations/bulk.ts';
import { POST as bulkCancel } from './bulk-cancel/route.ts';
import { POST as bulkRetry } from './bulk-retry/route.ts';
import { GET as exportRuns } from './export/route.ts';
import { GET as listRuns } from './route.ts';

useOwnQueuePrefix('run-views');
// Every run this file makes carries its own source, so the filters see only them.
const source = `views-${randomUUID().slice(0, 8)}`;
let admin: string;
const minute = 60_000;
const base = Date.now() - 60 * minute;

/** [id suffix, status, queued minutes after base, started minutes after base (null: not started), durationMs] */
const seeds: [string, 'completed' | 'failed' | 'queued' | 'running', number, number | null, number | null][] = [
  ['a', 'completed', 0, 30, 5_000],
  ['b', 'failed', 10, 11, 30_000],
  ['c', 'completed', 20, 21, 10_000],
  ['d', 'failed', 25, 26, 20_000],
  ['e', 'queued', 40, null, null],
  ['f', 'running', 5, 50, null],
];
const id = (suffix: string) => `${source}-${suffix}`;

beforeAll(async () => {
  admin = await createTestApiKey('admin');
  await db().jobRun.createMany({
    data: seeds.map(([suffix, status, queued, started, durationMs], index) => ({
      id: id(suffix),
      jobName: 'probe',
      status,
      trigger: 'api' as const,
      source,
      payload: { steps: index + 1 },
      queuedAt: new Date(base + queued * minute),
      startedAt: started === null ? null : new Date(base + started * minute),
      finishedAt: durationMs === null || started === null ? null : new Date(base + started * minute + durationMs),
      durationMs,
      // Text a spreadsheet would misread: a comma, quotes, a line break, a formula.
      error: suffix === 'b' ? 'upstream said "no", twice\nthen =HYPERLINK("x")' : suffix === 'd' ? '=1+1' : null,
    })),
  });
});
afterAll(async () => {
  await queues().close();
  redis().disconnect();
  await db().$disconnect();
});

const get = (handler: typeof listRuns, path: string) => handler(apiRequest(path, admin), routeParams({}));
const post = (handler: typeof bulkRetry, path: string, body: unknown) =>
  handler(apiRequest(path, admin, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }), routeParams({}));

async function allPages(query: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const response = await get(listRuns, `/api/runs?source=${source}&${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { runs: { id: string }[]; nextCursor: string | null };
    ids.push(...body.runs.map((run) => run.id));
    cursor = body.nextCursor;
  } while (cursor);
  return ids;
}

describe('GET /api/runs sort', () => {
  it('orders "Started" by when a run started (queued time while not started), newest first by default', async () => {
    // f started at 50 though queued at 5; e has not started (queued at 40); a started at 30.
    expect(await allPages('', 100)).toEqual(['f', 'e', 'a', 'd', 'c', 'b'].map(id));
    expect(await allPages('sort=started', 100)).toEqual(['b', 'c', 'd', 'a', 'e', 'f'].map(id));
  });

  it('orders by duration either way with runs without one last, and pages through every order exactly', async () => {
    expect(await allPages('sort=-duration', 100)).toEqual([...['b', 'd', 'c', 'a'].map(id), ...[id('f'), id('e')]]);
    expect(await allPages('sort=duration', 100)).toEqual([...['a', 'c', 'd', 'b'].map(id), ...[id('e'), id('f')]]);
    for (const sort of ['-started', 'started', '-duration', 'duration', 'job', '-status', 'status', 'trigger']) {
      expect(await allPages(`sort=${sort}`, 2), sort).toEqual(await allPages(`sort=${sort}`, 100));
    }
    expect(await allPages('sort=status', 100)).toEqual([id('e'), id('f'), id('a'), id('c'), id('b'), id('d')]);
  });

  it('refuses an unknown sort (422) and a cursor of another sort (400)', async () => {
    const bad = await get(listRuns, '/api/runs?sort=colour');
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: { details: { fieldErrors: Record<string, string[]> } } }).error.details.fieldErrors).toHaveProperty('sort');
    const first = (await (await get(listRuns, `/api/runs?source=${source}&sort=-duration&limit=1`)).json()) as { nextCursor: string };
    expect((await get(listRuns, `/api/runs?source=${source}&sort=-started&cursor=${first.nextCursor}`)).status).toBe(400);
  });
});

describe('GET /api/runs/export', () => {
  it('escapes CSV fields as RFC 4180 says and keeps formulas from running', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvField('-1+2,3')).toBe(`"'-1+2,3"`);
    expect(csvField(null)).toBe('');
    expect(csvField(42)).toBe('42');
    expect(csvField({ a: 1 })).toBe('"{""a"":1}"');
  });

  it('streams the filtered runs as CSV in the list order: a header, then one record per run', async () => {
    const response = await get(exportRuns, `/api/runs/export?source=${source}&status=failed&format=csv`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="kickoff-runs-.+\.csv"$/);
    expect(response.body).toBeInstanceOf(ReadableStream);
    const text = await response.text();
    const [header, ...records] = text.split('\r\n').filter(Boolean).join('\r\n').split(/\r\n(?=views-|$)/);
    expect(header!.startsWith('id,jobName,status,trigger,')).toBe(true);
    expect(records.map((record) => record.split(',')[0])).toEqual([id('d'), id('b')]);
    expect(text).toContain(`"upstream said ""no"", twice\nthen =HYPERLINK(""x"")"`);
    expect(text).toContain(`,'=1+1,`);
  });

  it('streams NDJSON: one run a line, every line JSON', async () => {
    const response = await get(exportRuns, `/api/runs/export?source=${source}&format=ndjson&sort=-duration`);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const lines = (await response.text()).trimEnd().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { id: string }).id)).toEqual(await allPages('sort=-duration', 100));
  });
});

describe('POST /api/runs/bulk-retry and bulk-cancel by filter', () => {
  it('counts first (dryRun), refuses a count that moved, then retries exactly the failed runs matching', async () => {
    const filter = { source, status: 'failed' };
    const counted = await post(bulkRetry, '/api/runs/bulk-retry', { filter, dryRun: true });
    expect(await counted.json()).toEqual({ matched: 2, limit: bulkFilterLimit, overLimit: false });
    const moved = await post(bulkRetry, '/api/runs/bulk-retry', { filter, expectedCount: 3 });
    expect(moved.status).toBe(409);
    expect(await db().jobRun.count({ where: { retryOf: { in: [id('b'), id('d')] } } })).toBe(0);

    const response = await post(bulkRetry, '/api/runs/bulk-retry', { filter, expectedCount: 2 });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { matched: number; succeeded: number; results: { id: string; ok: boolean; runId: string }[] };
    expect(body, JSON.stringify(body.results)).toMatchObject({ matched: 2, succeeded: 2, failed: 0 });
    expect(body.results.map((result) => result.id).sort()).toEqual([id('b'), id('d')]);
    const retries = await db().jobRun.findMany({ where: { retryOf: { startsWith: source } } });
    expect(retries.map((run) => run.retryOf).sort()).toEqual([id('b'), id('d')]);
    expect(retries.every((run) => run.trigger === 'retry')).toBe(true);
  });

  it('cancels exactly the queued, running or retrying runs matching, each answered', async () => {
    const response = await post(bulkCancel, '/api/runs/bulk-cancel', { filter: { source } });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { matched: number; results: { id: string; ok: boolean }[] };
    expect(body.results.map((result) => result.id).sort()).toEqual([id('e'), id('f')]);
    expect((await db().jobRun.findUniqueOrThrow({ where: { id: id('e') } })).status).toBe('cancelled');
    expect((await db().jobRun.findUniqueOrThrow({ where: { id: id('a') } })).status).toBe('completed');
  });

  it('refuses a filter matching more than the limit (422 too_many) and does nothing', async () => {
    const many = `${source}-many`;
    await db().$executeRaw`INSERT INTO "JobRun" (id, "jobName", status, trigger, source, "updatedAt")
      SELECT ${many} || '-' || n, 'probe', 'failed', 'api', ${many}, now() FROM generate_series(1, ${bulkFilterLimit + 1}) AS n`;
    try {
      const response = await post(bulkRetry, '/api/runs/bulk-retry', { filter: { source: many } });
      expect(response.status).toBe(422);
      expect(((await response.json()) as { error: { code: string; details: unknown } }).error).toMatchObject({ code: 'too_many', details: { limit: bulkFilterLimit } });
      expect(await db().jobRun.count({ where: { retryOf: { startsWith: many } } })).toBe(0);
      expect(await (await post(bulkRetry, '/api/runs/bulk-retry', { filter: { source: many }, dryRun: true })).json()).toMatchObject({ overLimit: true });
    } finally {
      await db().jobRun.deleteMany({ where: { source: many } });
    }
  });

  it('takes ids or a filter, not both or neither (422)', async () => {
    expect((await post(bulkRetry, '/api/runs/bulk-retry', {})).status).toBe(422);
    expect((await post(bulkCancel, '/api/runs/bulk-cancel', { ids: [id('a')], filter: { source } })).status).toBe(422);
  });
});
