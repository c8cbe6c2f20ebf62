/**
 * The run policy on every path (DESIGN.md "Run policy", lib/jobs/run-policy.ts): every way a run
 * comes to exist × every switch, against real PostgreSQL and Redis, the real HTTP routes and a
 * real worker in this process. Each cell asserts the documented outcome: refused with the reason
 * (and nothing written), recorded `skipped` with the reason, or queued and held — then run after
 * the switch is back — or, for an exclusive job's holder, coalesced into one follow-up run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { JobRun } from '@/generated/prisma/client.ts';
import { apiRequest, createTestApiKey, createTestSession, routeParams, sessionRequest } from '@/scripts/test/api-keys.ts';
import { askForRun } from '@/scripts/test/ask-for-run.ts';
import { startInProcessWorker, stopInProcessWorker } from '@/scripts/test/in-process-worker.ts';
import { useOwnDatabase } from '@/scripts/test/own-database.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
import { db } from '@/lib/db.ts';
import { registerJobs } from '@/lib/jobs/catalog.ts';
import { defineJob } from '@/lib/jobs/define-job.ts';
import { statsSourceSwitches, statsUpdateJob } from '@/lib/jobs/definitions/league/stats-update.ts';
import { pausedReason } from '@/lib/jobs/run-policy.ts';
import { leagueChannel } from '@/lib/league/league-notifications.ts';
import { queues } from '@/lib/queue/queues.ts';
import type { RunJobData } from '@/lib/queue/run-job-data.ts';
import { redis } from '@/lib/redis.ts';
import { createRuns } from '@/lib/runs/create-runs.ts';
import { jobLock } from '@/lib/runs/exclusive-job.ts';
import { defaultSettings, writeSetting, type Settings } from '@/lib/settings.ts';
import { defineHandler } from '@/worker/define-handler.ts';
import { LeagueListener } from '@/worker/league/league-listener.ts';
import { fillIfEmpty } from '@/worker/league/league-start.ts';
import { sleep } from '@/worker/run-context.ts';
import type { StartedWorker } from '@/worker/start-worker.ts';
import { POST as triggerRoute } from './jobs/[name]/trigger/route.ts';
import { POST as statsUpdateRoute } from './league/stats-update/route.ts';
import { GET as runRoute } from './runs/[id]/route.ts';
import { POST as retryRoute } from './runs/[id]/retry/route.ts';
import { POST as bulkRetryRoute } from './runs/bulk-retry/route.ts';

const prefix = useOwnQueuePrefix('run-policy');
const databaseUrl = await useOwnDatabase('run_policy');

const payload = z.object({ fail: z.boolean().default(false), sleepMs: z.number().int().min(0).max(10_000).default(0) });
const jobs = {
  head: defineJob({ name: 'pm-head', category: 'diagnostics', description: 'Its success queues pm-job', retry: { backoff: 'none' }, payload }),
  job: defineJob({ name: 'pm-job', category: 'diagnostics', description: 'The job every path asks for', dependsOn: ['pm-head'], retry: { backoff: 'none' }, payload }),
  soloHead: defineJob({ name: 'pm-solo-head', category: 'diagnostics', description: 'Its success queues pm-solo', retry: { backoff: 'none' }, payload }),
  solo: defineJob({ name: 'pm-solo', category: 'diagnostics', description: 'Exclusive', exclusive: { lockTtlMs: 30_000 }, dependsOn: ['pm-solo-head'], retry: { backoff: 'none' }, payload }),
};
registerJobs(Object.values(jobs));
const work = defineHandler(jobs.job, async (ctx) => {
  if (ctx.payload.sleepMs) await sleep(ctx.payload.sleepMs, ctx.signal);
  if (ctx.payload.fail) throw new Error('asked to fail');
  return { ok: true };
});
const handlers = [
  work,
  defineHandler(jobs.head, (ctx) => work.run(ctx)),
  defineHandler(jobs.soloHead, (ctx) => work.run(ctx)),
  defineHandler(jobs.solo, (ctx) => work.run(ctx)),
  // stats-update's own definition (its policy hook on the three sources) with a quick body.
  defineHandler(statsUpdateJob, async (ctx) => {
    await sleep(statsBodyMs);
    // A run that asks for the records step fails: something for the retries to retry.
    if (ctx.payload.steps?.includes('records')) throw new Error('records failed');
    return { fake: true };
  }),
];
let statsBodyMs = 50;

let worker: StartedWorker;
let apiKey: string;
let listener: LeagueListener;

/** Every switch as in a fresh install, generous limits, every job on. */
const baseline: Partial<Settings> = { ...defaultSettings(), 'triggers.manualPerUserPerHour': 10_000, 'triggers.jobCooldownSeconds': 0 };
async function resetSwitches(): Promise<void> {
  for (const [key, value] of Object.entries(baseline)) await writeSetting(db(), key as keyof Settings, value as never, 'test');
  await db().jobDefinition.updateMany({ data: { enabled: true, pausedUntil: null } });
  // The worker reads a job's switches at most once a second.
  await sleep(1_100);
}

beforeAll(async () => {
  worker = await startInProcessWorker(prefix, handlers);
  apiKey = await createTestApiKey('admin');
  listener = new LeagueListener({ databaseUrl });
  await listener.start();
  await resetSwitches();
}, 60_000);

afterAll(async () => {
  await listener?.stop();
  await stopInProcessWorker(worker);
});

// ── Observing a path ────────────────────────────────────────────────────────────────────────

/** What a path produced: a refusal (the HTTP answer or the pipeline's error), or a run row. */
type Observed = { refused: number; code: string; message: string; details?: unknown } | { runId: string; coalesced?: boolean };

async function fromResponse(response: Response, runIdOf: (body: Record<string, unknown>) => string): Promise<Observed> {
  const body = (await response.json()) as Record<string, unknown>;
  if (response.status >= 400) {
    const error = body.error as { code: string; message: string; details?: unknown };
    return { refused: response.status, code: error.code, message: error.message, details: error.details };
  }
  return { runId: runIdOf(body) };
}

const runRow = (id: string) => db().jobRun.findUniqueOrThrow({ where: { id } });
const until = (id: string, statuses: string[], timeoutMs = 10_000) =>
  waitFor(async () => {
    const run = await db().jobRun.findUnique({ where: { id } });
    return run && statuses.includes(run.status) ? run : undefined;
  }, timeoutMs, `run ${id} to reach ${statuses.join('|')}`);

/** A failed run of `job`, made while every switch is on, for the retry paths to retry. */
async function failedRunOf(job: string): Promise<string> {
  const { run } = await askForRun(job, { payload: { fail: true } });
  await until(run.id, ['failed']);
  return run.id;
}

interface Cell {
  job: string;
  /** The signed-in person asking (a fresh one per cell, so limits start from zero). */
  cookie: string;
  /** Failed runs of the job, one per retry path. */
  failed: { dashboard: string; key: string; bulk: string; byFilter: string };
  /** Distinct start-up fill requestIds per cell. */
  at: number;
  /** The dependency path's run of the job it depends on. */
  headRunId?: string;
}

type PathName = 'run now' | 'api' | 'bulk trigger in the dashboard' | 'bulk trigger with a key' | 'retry in the dashboard' | 'retry with a key' | 'bulk retry' | 'bulk retry by filter' | 'dependency' | 'event' | 'start-up fill' | 'schedule';
type Asker = 'person (dashboard)' | 'person (key)' | 'system' | 'schedule';

const paths: { name: PathName; asker: Asker; before?(cell: Cell): Promise<void>; ask(cell: Cell): Promise<Observed> }[] = [
  {
    name: 'run now',
    asker: 'person (dashboard)',
    ask: async (cell) => fromResponse(await triggerRoute(sessionRequest(`/api/jobs/${cell.job}/trigger`, cell.cookie, { method: 'POST', body: '{}' }), routeParams({ name: cell.job })), (body) => body.runId as string),
  },
  {
    name: 'api',
    asker: 'person (key)',
    ask: async (cell) => fromResponse(await triggerRoute(apiRequest(`/api/jobs/${cell.job}/trigger`, apiKey, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }), routeParams({ name: cell.job })), (body) => body.runId as string),
  },
  {
    name: 'bulk trigger in the dashboard',
    asker: 'person (dashboard)',
    ask: async (cell) => bulkItem(await triggerRoute(sessionRequest(`/api/jobs/${cell.job}/trigger`, cell.cookie, { method: 'POST', body: JSON.stringify({ runs: [{ payload: {} }] }) }), routeParams({ name: cell.job }))),
  },
  {
    name: 'bulk trigger with a key',
    asker: 'person (key)',
    ask: async (cell) => bulkItem(await triggerRoute(apiRequest(`/api/jobs/${cell.job}/trigger`, apiKey, { method: 'POST', body: JSON.stringify({ runs: [{ payload: {} }] }), headers: { 'content-type': 'application/json' } }), routeParams({ name: cell.job }))),
  },
  {
    name: 'retry in the dashboard',
    asker: 'person (dashboard)',
    ask: async (cell) => fromResponse(await retryRoute(sessionRequest(`/api/runs/${cell.failed.dashboard}/retry`, cell.cookie, { method: 'POST' }), routeParams({ id: cell.failed.dashboard })), (body) => (body.run as { id: string }).id),
  },
  {
    name: 'retry with a key',
    asker: 'person (key)',
    ask: async (cell) => fromResponse(await retryRoute(apiRequest(`/api/runs/${cell.failed.key}/retry`, apiKey, { method: 'POST' }), routeParams({ id: cell.failed.key })), (body) => (body.run as { id: string }).id),
  },
  {
    name: 'bulk retry',
    asker: 'person (dashboard)',
    ask: async (cell) => {
      const response = await bulkRetryRoute(sessionRequest('/api/runs/bulk-retry', cell.cookie, { method: 'POST', body: JSON.stringify({ ids: [cell.failed.bulk] }) }), routeParams({}));
      expect(response.status).toBe(202);
      const [result] = ((await response.json()) as { results: { ok: boolean; runId?: string; error?: { code: string; message: string; details?: unknown } }[] }).results;
      return result!.ok ? { runId: result!.runId! } : { refused: 0, code: result!.error!.code, message: result!.error!.message, details: result!.error!.details };
    },
  },
  {
    name: 'bulk retry by filter',
    asker: 'person (dashboard)',
    ask: async (cell) => {
      // "Retry all failed matching": the filter names exactly this cell's run (by id), as the Runs table's search does.
      const filter = { job: cell.job, status: 'failed', q: cell.failed.byFilter };
      const response = await bulkRetryRoute(sessionRequest('/api/runs/bulk-retry', cell.cookie, { method: 'POST', body: JSON.stringify({ filter, expectedCount: 1 }) }), routeParams({}));
      expect(response.status).toBe(202);
      const body = (await response.json()) as { matched: number; results: { id: string; ok: boolean; runId?: string; error?: { code: string; message: string; details?: unknown } }[] };
      expect(body.matched).toBe(1);
      const [result] = body.results;
      expect(result!.id).toBe(cell.failed.byFilter);
      return result!.ok ? { runId: result!.runId! } : { refused: 0, code: result!.error!.code, message: result!.error!.message, details: result!.error!.details };
    },
  },
  {
    name: 'dependency',
    asker: 'system',
    // The job it depends on starts before the switch (a run already going finishes, paused or not) and succeeds after.
    before: async (cell) => {
      const head = cell.job === jobs.solo.name ? jobs.soloHead.name : jobs.head.name;
      const { run } = await askForRun(head, { payload: { sleepMs: 1_500 } });
      await until(run.id, ['running']);
      cell.headRunId = run.id;
    },
    ask: async (cell) => {
      const run = await until(cell.headRunId!, ['completed'], 15_000);
      const dependent = await waitFor(() => db().jobRun.findFirst({ where: { causedBy: run.id } }), 3_000, 'the dependent run').catch(() => null);
      return dependent ? { runId: dependent.id } : { runId: await followUpOf(cell.job), coalesced: true };
    },
  },
  {
    name: 'event',
    asker: 'system',
    // What the NOTIFY listener asks for (the listener itself, on stats-update's NOTIFY, is below).
    ask: async (cell) => {
      const [outcome] = await createRuns({ kind: 'system', trigger: 'event', actor: 'database' }, [{ job: cell.job, source: 'a test event' }]);
      if (!outcome!.ok) return { refused: 0, code: outcome!.error.code, message: outcome!.error.message };
      return { runId: outcome!.run.id, coalesced: outcome!.coalesced };
    },
  },
  {
    name: 'start-up fill',
    asker: 'system',
    ask: async (cell) => {
      const outcome = (await fillIfEmpty(cell.job, async () => true, cell.at))!;
      return { runId: outcome.run.id, coalesced: outcome.coalesced };
    },
  },
  {
    name: 'schedule',
    asker: 'schedule',
    ask: async (cell) => {
      const id = `fire-${cell.job}-${cell.at}-${Math.random().toString(36).slice(2, 8)}`;
      const data: RunJobData = { payload: {}, trigger: 'schedule', actor: 'scheduler', source: 'schedule' };
      await queues().for('diagnostics').add(cell.job, data, { jobId: id, priority: 13, attempts: 1 });
      await until(id, ['completed', 'failed', 'skipped', 'cancelled', 'queued', 'running']);
      return { runId: id };
    },
  },
];

/** The one item of a bulk trigger, as a path's observation (refused items carry no HTTP status of their own). */
async function bulkItem(response: Response): Promise<Observed> {
  expect(response.status).toBe(207);
  const { results } = (await response.json()) as { results: ({ ok: true; runId: string } | { ok: false; error: { code: string; message: string; details?: unknown } })[] };
  expect(results).toHaveLength(1);
  const [result] = results;
  return result!.ok ? { runId: result!.runId } : { refused: 0, code: result!.error.code, message: result!.error.message, details: result!.error.details };
}

async function followUpOf(job: string): Promise<string> {
  const row = await waitFor(() => db().jobRun.findFirst({ where: { jobName: job, status: 'queued' } }), 3_000, `a follow-up of ${job}`);
  return row.id;
}

async function newCell(job: string): Promise<Cell> {
  const { cookie } = await createTestSession('admin');
  const [dashboard, key, bulk, byFilter] = await Promise.all([failedRunOf(job), failedRunOf(job), failedRunOf(job), failedRunOf(job)]);
  return { job, cookie, failed: { dashboard, key, bulk, byFilter }, at: Date.now() + Math.floor(Math.random() * 1e9) * 600_000 };
}

/** What each asker gets under a switch. */
type Expectation =
  | { kind: 'runs' }
  | { kind: 'refused'; code: string; message: RegExp | string }
  | { kind: 'limited' }
  | { kind: 'skipped'; reason: RegExp }
  | { kind: 'held' }
  | { kind: 'coalesced' };

interface Switch {
  name: string;
  job?: string;
  /** Done before the switch (a warm-up the limits count, a holder). */
  prepare?(cell: Cell): Promise<void>;
  on(cell: Cell): Promise<void>;
  off(): Promise<void>;
  expect: Record<Asker, Expectation>;
}

const runs: Expectation = { kind: 'runs' };
const switches: Switch[] = [
  {
    name: 'pause everything',
    on: () => writeSetting(db(), 'engine.paused', true, 'test'),
    off: () => writeSetting(db(), 'engine.paused', false, 'test'),
    expect: {
      'person (dashboard)': { kind: 'refused', code: 'paused', message: pausedReason },
      'person (key)': { kind: 'refused', code: 'paused', message: pausedReason },
      system: { kind: 'held' },
      schedule: { kind: 'skipped', reason: /^Kickoff is paused/ },
    },
  },
  {
    name: 'manual triggers off',
    on: () => writeSetting(db(), 'triggers.manual', false, 'test'),
    off: () => writeSetting(db(), 'triggers.manual', true, 'test'),
    expect: { 'person (dashboard)': { kind: 'refused', code: 'triggers_off', message: 'Manual triggers are switched off in Settings' }, 'person (key)': runs, system: runs, schedule: runs },
  },
  {
    name: 'API triggers off',
    on: () => writeSetting(db(), 'triggers.api', false, 'test'),
    off: () => writeSetting(db(), 'triggers.api', true, 'test'),
    expect: { 'person (dashboard)': runs, 'person (key)': { kind: 'refused', code: 'triggers_off', message: 'API triggers are switched off in Settings' }, system: runs, schedule: runs },
  },
  {
    name: 'scheduled runs off',
    on: () => writeSetting(db(), 'triggers.schedule', false, 'test'),
    off: () => writeSetting(db(), 'triggers.schedule', true, 'test'),
    expect: { 'person (dashboard)': runs, 'person (key)': runs, system: runs, schedule: { kind: 'skipped', reason: /^Scheduled runs are switched off in Settings$/ } },
  },
  {
    name: 'job disabled',
    on: async (cell) => void (await db().jobDefinition.update({ where: { name: cell.job }, data: { enabled: false } })),
    off: resetSwitches,
    expect: {
      'person (dashboard)': { kind: 'refused', code: 'job_disabled', message: /^Job "pm-job" is disabled/ },
      'person (key)': { kind: 'refused', code: 'job_disabled', message: /^Job "pm-job" is disabled/ },
      system: { kind: 'skipped', reason: /^Job "pm-job" is disabled/ },
      schedule: { kind: 'skipped', reason: /^Job "pm-job" is disabled/ },
    },
  },
  {
    name: 'job paused until a time',
    on: async (cell) => void (await db().jobDefinition.update({ where: { name: cell.job }, data: { pausedUntil: new Date(Date.now() + 3_600_000) } })),
    off: resetSwitches,
    expect: {
      'person (dashboard)': { kind: 'refused', code: 'job_paused', message: /^Job "pm-job" is paused until / },
      'person (key)': { kind: 'refused', code: 'job_paused', message: /^Job "pm-job" is paused until / },
      system: { kind: 'skipped', reason: /^Job "pm-job" is paused until / },
      schedule: { kind: 'skipped', reason: /^Job "pm-job" is paused until / },
    },
  },
  {
    name: 'the cooldown',
    // The person asked moments ago (a Run now), then the cooldown is 60 s.
    on: async (cell) => {
      await writeSetting(db(), 'triggers.jobCooldownSeconds', 60, 'test');
      const warmUp = await paths[0]!.ask(cell);
      expect(warmUp).toHaveProperty('runId');
    },
    off: resetSwitches,
    expect: { 'person (dashboard)': { kind: 'limited' }, 'person (key)': runs, system: runs, schedule: runs },
  },
  {
    name: 'the hourly limit',
    on: async (cell) => {
      await writeSetting(db(), 'triggers.manualPerUserPerHour', 1, 'test');
      const warmUp = await paths[0]!.ask(cell);
      expect(warmUp).toHaveProperty('runId');
    },
    off: resetSwitches,
    expect: { 'person (dashboard)': { kind: 'limited' }, 'person (key)': runs, system: runs, schedule: runs },
  },
  {
    name: 'the exclusive job running',
    job: jobs.solo.name,
    on: async () => {
      const taken = await jobLock(jobs.solo.name, redis(), prefix).acquire('holder-run', 30_000);
      expect(taken.acquired).toBe(true);
    },
    off: async () => void (await jobLock(jobs.solo.name, redis(), prefix).release('holder-run')),
    expect: {
      'person (dashboard)': { kind: 'refused', code: 'already_running', message: /is exclusive and already running/ },
      'person (key)': { kind: 'refused', code: 'already_running', message: /is exclusive and already running/ },
      system: { kind: 'coalesced' },
      schedule: { kind: 'skipped', reason: /^Already running \(run holder-run\)$/ },
    },
  },
];

describe('every path × every switch', () => {
  for (const theSwitch of switches) {
    it(`${theSwitch.name}: ${paths.map((path) => path.name).join(', ')}`, { timeout: 60_000 }, async () => {
      await resetSwitches();
      const cell = await newCell(theSwitch.job ?? jobs.job.name);
      const rowsBefore = await db().jobRun.count({ where: { jobName: cell.job } });
      for (const path of paths) await path.before?.(cell);
      await theSwitch.on(cell);
      // The worker reads a job's switches at most once a second.
      await sleep(1_100);
      const observed: { path: (typeof paths)[number]; result: Observed; expected: Expectation }[] = [];
      for (const path of paths) observed.push({ path, result: await path.ask(cell), expected: theSwitch.expect[path.asker] });

      const toFinish: string[] = [];
      const held: string[] = [];
      for (const { path, result, expected } of observed) {
        const where = `${theSwitch.name} × ${path.name}`;
        if (expected.kind === 'refused' || expected.kind === 'limited') {
          expect('refused' in result, `${where}: refused`).toBe(true);
          if (!('refused' in result)) continue;
          if (expected.kind === 'limited') expect(result, where).toMatchObject({ code: 'rate_limited', details: { retryAfterSeconds: expect.any(Number) } });
          else expect(result.code, where).toBe(expected.code);
          if (expected.kind === 'refused') expect(result.message, where).toMatch(expected.message);
          if (!path.name.startsWith('bulk')) expect(result.refused, where).toBe(expected.kind === 'limited' ? 429 : 409);
          if (expected.kind === 'refused' && expected.code === 'already_running') expect(result.details, where).toEqual({ runId: 'holder-run' });
          continue;
        }
        expect('runId' in result, `${where}: a run (${JSON.stringify(result)})`).toBe(true);
        if (!('runId' in result)) continue;
        if (expected.kind === 'skipped') {
          const row = await until(result.runId, ['skipped', 'completed', 'failed']);
          expect(row.status, where).toBe('skipped');
          expect(row.error, where).toMatch(expected.reason);
        } else if (expected.kind === 'held' || expected.kind === 'coalesced') {
          held.push(result.runId);
        } else {
          toFinish.push(result.runId);
        }
      }
      // It ran (a retry of a failed run fails again: it ran all the same).
      for (const id of toFinish) {
        const row = await until(id, ['completed', 'failed', 'skipped']);
        expect([row.status === 'skipped' ? 'skipped' : 'ran', row.startedAt !== null], `${theSwitch.name}: run ${id} (${row.jobName}, ${row.trigger}, ${row.error})`).toEqual(['ran', true]);
      }

      if (held.length > 0) {
        // Nothing held starts before the switch is back…
        await sleep(1_500);
        const waiting = await db().jobRun.findMany({ where: { id: { in: held } } });
        for (const row of waiting) expect([row.status, row.startedAt], `${theSwitch.name}: ${row.id} waits`).toEqual(['queued', null]);
        if (theSwitch.expect.system.kind === 'held') {
          // …and shows as waiting because Kickoff is paused…
          const shown = (await (await runRoute(apiRequest(`/api/runs/${held[0]}`, apiKey), routeParams({ id: held[0]! }))).json()) as { run: { waiting: string | null } };
          expect(shown.run.waiting).toBe(pausedReason);
        }
        if (theSwitch.expect.system.kind === 'coalesced') {
          // …the system's requests were coalesced into one follow-up, which says why it waits…
          expect(new Set(held).size, `${theSwitch.name}: one follow-up`).toBe(1);
          const notes = await db().runEvent.findMany({ where: { runId: held[0] }, orderBy: { id: 'asc' } });
          expect(notes.map((note) => note.message)).toEqual([
            expect.stringMatching(/^Waits for run holder-run to end: pm-solo is exclusive/),
            expect.stringMatching(/^Also covers a request from /),
            expect.stringMatching(/^Also covers a request from /),
          ]);
        }
        await theSwitch.off();
        // …and then every one of them runs: nothing the system made is lost.
        for (const id of new Set(held)) expect((await until(id, ['completed', 'failed', 'skipped'], 15_000)).status, `${theSwitch.name}: ${id} after`).toBe('completed');
      } else {
        await theSwitch.off();
      }
      // A refused request wrote nothing: the rows are exactly the runs observed (and the warm-ups).
      const made = new Set(observed.flatMap(({ result }) => ('runId' in result ? [result.runId] : [])));
      const rowsAfter = await db().jobRun.count({ where: { jobName: cell.job } });
      const warmUps = theSwitch.name === 'the cooldown' || theSwitch.name === 'the hourly limit' ? 1 : 0;
      expect(rowsAfter - rowsBefore, `${theSwitch.name}: rows written`).toBe(made.size + warmUps);
    });
  }
});

describe('stats-update: its three sources on every path that carries them', () => {
  const notifyFinished = (eventId: number) =>
    db().$executeRaw`SELECT pg_notify(${leagueChannel}, ${JSON.stringify({ table: 'Event', id: eventId, eventId, changes: { finished: { old: false, new: true } } })})`;
  const statsRunWith = (requestId: string) => waitFor(() => db().jobRun.findFirst({ where: { jobName: 'stats-update', requestId } }), 5_000, `the stats run ${requestId}`);
  const fireNightly = async () => {
    const id = `nightly-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`;
    await queues().for('stats').add('stats-update', { payload: {}, trigger: 'schedule', actor: 'scheduler', source: 'schedule' } satisfies RunJobData, { jobId: id, priority: 13 });
    return until(id, ['completed', 'skipped', 'failed']);
  };
  const statsButton = (cookie: string) => statsUpdateRoute(sessionRequest('/api/league/stats-update', cookie, { method: 'POST', body: '{}' }), routeParams({}));

  it('post-match off: the NOTIFY run is skipped with the reason and a retry of a post-match run is refused; the others run', async () => {
    await resetSwitches();
    const { cookie } = await createTestSession('admin');
    const { run: failedPostMatch } = await askForRun('stats-update', { payload: { source: 'post-match', eventId: 20, steps: ['records'] } });
    const earlier = await until(failedPostMatch.id, ['failed']);
    await writeSetting(db(), 'stats.postMatch', false, 'test');
    await sleep(1_100);
    await notifyFinished(21);
    const skipped = await until((await statsRunWith('notify:event:21:finished')).id, ['skipped', 'completed']);
    expect(skipped).toMatchObject({ status: 'skipped', trigger: 'event', source: 'post-match', error: statsSourceSwitches['post-match'].offReason });
    const retry = await retryRoute(sessionRequest(`/api/runs/${earlier.id}/retry`, cookie, { method: 'POST' }), routeParams({ id: earlier.id }));
    expect(retry.status).toBe(409);
    expect(await retry.json()).toEqual({ error: { code: 'stats_source_off', message: statsSourceSwitches['post-match'].offReason } });
    const button = await statsButton(cookie);
    expect(button.status).toBe(202);
    // stats-update is exclusive: the nightly fire would be skipped while the button's run holds it.
    await until(((await button.json()) as { runId: string }).runId, ['completed']);
    expect((await fireNightly()).status).toBe('completed');
    await resetSwitches();
  });

  it('admin off: "Update stats" and the generic trigger with source admin are refused, and so is a retry of an admin run; the NOTIFY and nightly runs go on', async () => {
    await resetSwitches();
    const { cookie } = await createTestSession('admin');
    const accepted = (await (await statsButton(cookie)).json()) as { runId: string };
    await until(accepted.runId, ['completed']);
    const { run: failedAdmin } = await askForRun('stats-update', { payload: { source: 'admin', steps: ['records'] } });
    const adminRun = await until(failedAdmin.id, ['failed']);
    await writeSetting(db(), 'stats.admin', false, 'test');
    await sleep(1_100);
    const refusal = { error: { code: 'stats_source_off', message: statsSourceSwitches.admin.offReason } };
    const button = await statsButton(cookie);
    expect([button.status, await button.json()]).toEqual([409, refusal]);
    const generic = await triggerRoute(apiRequest('/api/jobs/stats-update/trigger', apiKey, { method: 'POST', body: JSON.stringify({ payload: { source: 'admin' } }) }), routeParams({ name: 'stats-update' }));
    expect([generic.status, await generic.json()]).toEqual([409, refusal]);
    const retry = await retryRoute(apiRequest(`/api/runs/${adminRun.id}/retry`, apiKey, { method: 'POST' }), routeParams({ id: adminRun.id }));
    expect([retry.status, await retry.json()]).toEqual([409, refusal]);
    await notifyFinished(22);
    expect((await until((await statsRunWith('notify:event:22:finished')).id, ['completed', 'skipped'])).status).toBe('completed');
    expect((await fireNightly()).status).toBe('completed');
    await resetSwitches();
  });

  it('cron off: the nightly fire is skipped with the reason; the button and NOTIFY runs go on', async () => {
    await resetSwitches();
    const { cookie } = await createTestSession('admin');
    await writeSetting(db(), 'stats.cron', false, 'test');
    await sleep(1_100);
    expect(await fireNightly()).toMatchObject({ status: 'skipped', error: statsSourceSwitches.cron.offReason });
    const button = (await (await statsButton(cookie)).json()) as { runId: string };
    expect((await until(button.runId, ['completed', 'skipped'])).status).toBe('completed');
    await notifyFinished(23);
    expect((await until((await statsRunWith('notify:event:23:finished')).id, ['completed', 'skipped'])).status).toBe('completed');
    await resetSwitches();
  });

  it('a post-match run that arrives while stats-update runs makes exactly one follow-up run, which starts when the first ends', async () => {
    await resetSwitches();
    statsBodyMs = 2_000;
    try {
      const { run: first } = await askForRun('stats-update', { payload: { source: 'admin' } });
      await until(first.id, ['running']);
      // Two gameweeks finish while it runs, and each is heard twice (every worker listens).
      for (const eventId of [30, 31, 30, 31]) await notifyFinished(eventId);
      const followUp = await waitFor(async () => {
        const queued = await db().jobRun.findMany({ where: { jobName: 'stats-update', status: 'queued' } });
        const notes = queued.length === 1 ? await db().runEvent.count({ where: { runId: queued[0]!.id } }) : 0;
        return notes >= 2 ? queued : undefined;
      }, 5_000, 'one follow-up stats run that covers both gameweeks');
      expect(followUp).toHaveLength(1);
      expect(followUp[0]).toMatchObject({ trigger: 'event', source: 'post-match' });
      const done = await until(followUp[0]!.id, ['completed'], 15_000);
      const firstDone = await runRow(first.id);
      expect(done.startedAt!.getTime()).toBeGreaterThanOrEqual(firstDone.finishedAt!.getTime());
      const since = await db().jobRun.findMany({ where: { jobName: 'stats-update', queuedAt: { gte: first.queuedAt } } });
      expect(since.map((row: JobRun) => row.id).sort()).toEqual([first.id, followUp[0]!.id].sort());
    } finally {
      statsBodyMs = 50;
    }
  });
});

describe('exclusive jobs and the runs the system asks for', () => {
  it('coalesces several requests of one batch, and of later batches, into one follow-up', async () => {
    await resetSwitches();
    const lock = jobLock(jobs.solo.name, redis(), prefix);
    expect((await lock.acquire('batch-holder', 30_000)).acquired).toBe(true);
    try {
      const ask = (sources: string[]) => createRuns({ kind: 'system', trigger: 'event', actor: 'database' }, sources.map((source) => ({ job: jobs.solo.name, source })));
      const first = await ask(['one', 'two', 'three']);
      const later = await ask(['four']);
      const ids = [...first, ...later].map((outcome) => (outcome.ok ? outcome.run.id : outcome.error.message));
      expect(new Set(ids).size).toBe(1);
      expect([...first, ...later].map((outcome) => outcome.ok && outcome.created)).toEqual([true, false, false, false]);
      const notes = await db().runEvent.findMany({ where: { runId: ids[0] }, orderBy: { id: 'asc' } });
      expect(notes.map((note) => note.message)).toEqual([
        expect.stringMatching(/^Waits for run batch-holder to end/),
        'Also covers a request from two',
        'Also covers a request from three',
        'Also covers a request from four',
      ]);
    } finally {
      await lock.release('batch-holder');
    }
    expect((await until((await db().jobRun.findFirstOrThrow({ where: { jobName: jobs.solo.name, source: 'one' } })).id, ['completed'], 15_000)).status).toBe('completed');
  });
});

describe('idempotency comes before the limits', () => {
  it('a repeated requestId inside the cooldown answers 200 with the earlier run', async () => {
    await resetSwitches();
    await writeSetting(db(), 'triggers.jobCooldownSeconds', 60, 'test');
    const { cookie } = await createTestSession('operator', ['pm-job']);
    const ask = () => triggerRoute(sessionRequest('/api/jobs/pm-job/trigger', cookie, { method: 'POST', body: JSON.stringify({ requestId: 'deploy-42' }) }), routeParams({ name: 'pm-job' }));
    const first = await ask();
    expect(first.status).toBe(202);
    const again = await ask();
    expect(again.status).toBe(200);
    const [a, b] = [(await first.json()) as { runId: string }, (await again.json()) as { runId: string; created: boolean }];
    expect(b).toMatchObject({ runId: a.runId, created: false });
    // A new request within the cooldown is still limited.
    expect((await triggerRoute(sessionRequest('/api/jobs/pm-job/trigger', cookie, { method: 'POST', body: '{}' }), routeParams({ name: 'pm-job' }))).status).toBe(429);
    await resetSwitches();
  });
});

describe('who asked, truthfully', () => {
  it('a retry says whether a person in the dashboard or an API key asked for it', async () => {
    await resetSwitches();
    const failed = await failedRunOf('pm-job');
    const { cookie, email } = await createTestSession('admin');
    const byPerson = (await (await retryRoute(sessionRequest(`/api/runs/${failed}/retry`, cookie, { method: 'POST' }), routeParams({ id: failed }))).json()) as { run: { id: string } };
    const byKey = (await (await retryRoute(apiRequest(`/api/runs/${failed}/retry`, apiKey, { method: 'POST' }), routeParams({ id: failed }))).json()) as { run: { id: string } };
    expect(await runRow(byPerson.run.id)).toMatchObject({ trigger: 'retry', source: 'dashboard', actor: email, retryOf: failed });
    expect(await runRow(byKey.run.id)).toMatchObject({ trigger: 'retry', source: 'api', actor: 'key:test-admin', retryOf: failed });
  });

  it('only admins may override the limits, whatever the credential', async () => {
    await resetSwitches();
    const operatorKey = await createTestApiKey('operator', ['*']);
    const { cookie } = await createTestSession('operator', ['*']);
    const body = JSON.stringify({ override: true });
    for (const request of [apiRequest('/api/jobs/pm-job/trigger', operatorKey, { method: 'POST', body }), sessionRequest('/api/jobs/pm-job/trigger', cookie, { method: 'POST', body })]) {
      const response = await triggerRoute(request, routeParams({ name: 'pm-job' }));
      expect(response.status).toBe(403);
    }
    const failed = await failedRunOf('pm-job');
    const retry = await retryRoute(apiRequest(`/api/runs/${failed}/retry`, operatorKey, { method: 'POST', body }), routeParams({ id: failed }));
    expect(retry.status).toBe(403);
    expect(await db().auditLog.count({ where: { actorId: { not: null }, details: { path: ['overrideLimits'], equals: true }, role: 'operator' } })).toBe(0);
  });
});
