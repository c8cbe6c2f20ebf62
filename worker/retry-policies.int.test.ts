/**
 * The Letletme retry policies by kind (lib/jobs/definitions/league/retry-kinds.ts), each on a
 * real worker in this process: jobs that take the very policy a league job declares, failing
 * on cue, so what is tested is the policy as the league runs it — match-day (immediate, 5),
 * deadline (none, a 30 s lock, a critical alert from its default rule), daily (exponential,
 * 3) and integration phases (fixed, 2, inside the run). The API kind (5 requests, exponential)
 * is in worker/jobs/league/upstream-requests.int.test.ts.
 */
import { UnrecoverableError } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { db } from '@/lib/db.ts';
import { ConflictError } from '@/lib/errors.ts';
import { allJobs, registerJobs } from '@/lib/jobs/catalog.ts';
import { defineJob } from '@/lib/jobs/define-job.ts';
import { eventLiveUpdateJob } from '@/lib/jobs/definitions/league/event-live-update.ts';
import { picksProcessingJob } from '@/lib/jobs/definitions/league/picks-processing.ts';
import { bootstrapMetaJob } from '@/lib/jobs/definitions/league/bootstrap-meta.ts';
import { integrationRetry } from '@/lib/jobs/definitions/league/retry-kinds.ts';
import type { RunAttempt } from '@/lib/jobs/run-state.ts';
import { redis } from '@/lib/redis.ts';
import { kickoffKeys } from '@/lib/redis-keys.ts';
import { askForRun } from '@/scripts/test/ask-for-run.ts';
import { startInProcessWorker, stopInProcessWorker } from '@/scripts/test/in-process-worker.ts';
import { useOwnDatabase } from '@/scripts/test/own-database.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
import { syncCatalog } from './catalog-sync.ts';
import { defineHandler } from './define-handler.ts';
import { failureRuleName } from './failure-alert-rules.ts';
import { sleep } from './run-context.ts';
import type { StartedWorker } from './start-worker.ts';

const prefix = useOwnQueuePrefix('retry-kinds');
// Alert rules are counted here: a database of its own keeps other files' rules out.
await useOwnDatabase('retry_kinds');

const failing = z.object({ failAttempts: z.number().int().min(0).default(0), sleepMs: z.number().int().min(0).default(0) });

const matchDayJob = defineJob({ name: 'rk-match-day', category: 'diagnostics', description: "event-live-update's policy", retry: eventLiveUpdateJob.retry, payload: failing });
const deadlineJob = defineJob({
  name: 'rk-deadline',
  category: 'diagnostics',
  description: "picks-processing's policy",
  retry: picksProcessingJob.retry,
  exclusive: picksProcessingJob.exclusive ?? undefined,
  alertOnFailure: picksProcessingJob.alertOnFailure ?? undefined,
  payload: failing,
});
const dailyJob = defineJob({ name: 'rk-daily', category: 'diagnostics', description: "bootstrap-meta's policy", retry: bootstrapMetaJob.retry, payload: failing });
const integrationJob = defineJob({
  name: 'rk-integration',
  category: 'diagnostics',
  description: 'An integration phase with the hybrid jobs’ policy',
  retry: { attempts: 1, backoff: 'none' },
  payload: z.object({ failTries: z.number().int().min(0), unrecoverable: z.boolean().default(false) }),
});

const tries = new Map<string, number>();
const handlers = [
  ...[matchDayJob, deadlineJob, dailyJob].map((job) =>
    defineHandler(job, async (ctx) => {
      if (ctx.payload.sleepMs > 0) await sleep(ctx.payload.sleepMs, ctx.signal);
      if (ctx.attempt <= ctx.payload.failAttempts) throw new Error(`attempt ${ctx.attempt} failed`);
      return { attempt: ctx.attempt };
    }),
  ),
  defineHandler(integrationJob, async (ctx) => {
    const written = await ctx.phase(
      'integration',
      async () => {
        const n = (tries.get(ctx.runId) ?? 0) + 1;
        tries.set(ctx.runId, n);
        if (n <= ctx.payload.failTries) throw ctx.payload.unrecoverable ? new UnrecoverableError('bad data') : new Error(`write ${n} failed`);
        return n;
      },
      { retry: integrationRetry },
    );
    return { tries: written };
  }),
];
registerJobs(handlers.map((handler) => handler.job));

let worker: StartedWorker;
beforeAll(async () => {
  worker = await startInProcessWorker(prefix, handlers, { alerts: true });
});
afterAll(() => stopInProcessWorker(worker));

const until = (id: string, statuses: string[], timeoutMs = 20_000) =>
  waitFor(async () => {
    const run = await db().jobRun.findUnique({ where: { id } });
    return run && statuses.includes(run.status) ? run : undefined;
  }, timeoutMs, `run ${id} to reach ${statuses.join('|')}`);
const final = (id: string) => until(id, ['completed', 'failed']);
const attemptsOf = (run: { attempts: unknown }) => run.attempts as RunAttempt[];
/** The wait before each attempt after the first: its start less the end of the one before. */
const gaps = (attempts: RunAttempt[]) => attempts.slice(1).map((attempt, i) => new Date(attempt.at).getTime() - new Date(attempts[i]!.finishedAt!).getTime());

describe('match-day (event-live-update, live-scores-update): immediate, 5 attempts', () => {
  it('tries again at once, up to the fifth attempt', async () => {
    const { run } = await askForRun('rk-match-day', { payload: { failAttempts: 4 } });
    const done = await final(run.id);
    expect(done).toMatchObject({ status: 'completed', attempt: 5, maxAttempts: 5, result: { attempt: 5 } });
    const attempts = attemptsOf(done);
    expect(attempts.map((a) => a.error ?? null)).toEqual(['attempt 1 failed', 'attempt 2 failed', 'attempt 3 failed', 'attempt 4 failed', null]);
    // no backoff: the next attempt starts as soon as a worker takes it (the daily kind's first wait is 1 s)
    for (const gap of gaps(attempts)) expect(gap).toBeLessThan(900);
  });

  it('fails for good after the fifth', async () => {
    const { run } = await askForRun('rk-match-day', { payload: { failAttempts: 9 } });
    const done = await final(run.id);
    expect(done).toMatchObject({ status: 'failed', attempt: 5, error: 'attempt 5 failed' });
    expect(attemptsOf(done)).toHaveLength(5);
  });
});

describe('deadline (picks-processing): no retry, a 30 s lock, a critical alert when it fails', () => {
  it('fails on its first failure, and the rule the job asked for raises a critical alert', async () => {
    const rule = await db().alertRule.findFirstOrThrow({ where: { name: failureRuleName('rk-deadline') } });
    expect(rule).toMatchObject({ severity: 'critical', condition: { type: 'run-failed' }, scope: { job: 'rk-deadline' }, channels: [{ type: 'dashboard' }], enabled: true, createdBy: 'kickoff' });

    const { run } = await askForRun('rk-deadline', { payload: { failAttempts: 1 } });
    const done = await final(run.id);
    expect(done).toMatchObject({ status: 'failed', attempt: 1, maxAttempts: 1, error: 'attempt 1 failed' });
    const alert = await waitFor(() => db().alert.findFirst({ where: { ruleId: rule.id, runId: run.id } }), 15_000, 'the failure alert');
    expect(alert).toMatchObject({ severity: 'critical', subject: 'rk-deadline', status: 'open' });
  });

  it('holds its lock for 30 s at a time while it runs: a second trigger meanwhile is refused', async () => {
    const { run } = await askForRun('rk-deadline', { payload: { sleepMs: 1_500 } });
    await until(run.id, ['running']);
    const ttl = await redis().pttl(kickoffKeys.jobLock(prefix, 'rk-deadline'));
    expect(ttl).toBeGreaterThan(25_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
    const refused = await askForRun('rk-deadline').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as ConflictError).details).toEqual({ runId: run.id });
    expect((await final(run.id)).status).toBe('completed');
  });

  it('makes the rule once: a deleted rule stays deleted and an edited one keeps its edits on the next sync', async () => {
    const rule = await db().alertRule.findFirstOrThrow({ where: { name: failureRuleName('rk-deadline') } });
    await db().alertRule.update({ where: { id: rule.id }, data: { channels: [{ type: 'dashboard' }, { type: 'telegram', chatId: '-100123' }] } });
    await syncCatalog(db(), allJobs());
    expect(await db().alertRule.findMany({ where: { name: failureRuleName('rk-deadline') } })).toEqual([expect.objectContaining({ id: rule.id, channels: [{ type: 'dashboard' }, { type: 'telegram', chatId: '-100123' }] })]);
    await db().alertRule.delete({ where: { id: rule.id } });
    await Promise.all([syncCatalog(db(), allJobs()), syncCatalog(db(), allJobs())]);
    expect(await db().alertRule.count({ where: { name: failureRuleName('rk-deadline') } })).toBe(0);
    // the only other job that asks for one: picks-processing, whose rule the worker's start made
    expect((await db().alertRule.findMany({ where: { createdBy: 'kickoff' } })).map((r) => r.name)).toEqual([failureRuleName('picks-processing')]);
  });
});

describe('daily and meta (bootstrap-meta, the hybrid runs): exponential, 3 attempts', () => {
  it('waits 1 s, then 2 s', { timeout: 30_000 }, async () => {
    const { run } = await askForRun('rk-daily', { payload: { failAttempts: 2 } });
    const done = await final(run.id);
    expect(done).toMatchObject({ status: 'completed', attempt: 3, maxAttempts: 3 });
    const [first, second] = gaps(attemptsOf(done));
    expect(first).toBeGreaterThanOrEqual(950);
    expect(second).toBeGreaterThanOrEqual(1_950);
  });
});

describe('integration phases (entry-updates, tournament-event-data, standings-refresh): fixed, 2 tries, inside the run', () => {
  it('tries a failed phase again after the fixed wait, within the same attempt, and logs the try', async () => {
    const { run } = await askForRun('rk-integration', { payload: { failTries: 1 } });
    const done = await final(run.id);
    expect(done).toMatchObject({ status: 'completed', attempt: 1, result: { tries: 2 }, counters: { phaseRetries: 1 } });
    const events = await db().runEvent.findMany({ where: { runId: run.id, kind: 'phase' }, orderBy: { id: 'asc' } });
    const retrying = events.find((event) => (event.fields as { state?: string } | null)?.state === 'retrying');
    expect(retrying?.message).toBe('integration failed (try 1 of 2), trying again in 2000 ms: write 1 failed');
    const finished = events.find((event) => (event.fields as { state?: string } | null)?.state === 'finished');
    expect(new Date(finished!.at).getTime() - new Date(retrying!.at).getTime()).toBeGreaterThanOrEqual(1_950);
  });

  it('fails the attempt when the second try fails too, and does not try an unrecoverable error again', async () => {
    const twice = (await askForRun('rk-integration', { payload: { failTries: 2 } })).run;
    expect(await final(twice.id)).toMatchObject({ status: 'failed', error: 'write 2 failed' });
    expect(tries.get(twice.id)).toBe(2);
    const bad = (await askForRun('rk-integration', { payload: { failTries: 1, unrecoverable: true } })).run;
    expect(await final(bad.id)).toMatchObject({ status: 'failed', error: 'bad data' });
    expect(tries.get(bad.id)).toBe(1);
  });
});
