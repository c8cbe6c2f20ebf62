import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { JobRun } from '@/generated/prisma/client.ts';
import { recordAudits, type AuditActor } from '../audit.ts';
import { db } from '../db.ts';
import { ConflictError, KickoffError } from '../errors.ts';
import { statsSteps, statsUpdateJob } from '../jobs/definitions/league/stats-update.ts';
import { logger } from '../logger.ts';
import { redis } from '../redis.ts';
import { finishDirectRun, startDirectRun } from '../runs/run-store.ts';
import { readSettings } from '../settings.ts';
import { rebuildStatsStep } from './rebuild-stats-step.ts';

/**
 * BerkoTNF 002's graceful degradation: when the queue (Redis) cannot be reached, "Update
 * stats" does the ten steps itself, in the web process, instead of failing. The run is still
 * recorded (source `fallback`, on the run store), so the Stats page's table shows it and what
 * it did; the Settings switch for dashboard stats still applies. Each step that committed has
 * its Next.js tags revalidated by the caller (`revalidate`), since no worker will.
 */

export const fallbackSource = 'fallback';

/** Whether Redis answers a PING within `timeoutMs`. */
export async function queueReachable(timeoutMs = 1_500): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      redis()
        .ping()
        .then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Whether a failure to queue calls for the fallback: not a refusal (4xx), and Redis does not answer. */
export async function callsForFallback(error: unknown): Promise<boolean> {
  if (error instanceof KickoffError && error.code !== 'service_unavailable') return false;
  return !(await queueReachable());
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 300);

/** Runs the ten steps in this process as a recorded stats-update run; resolves to the finished run. */
export async function runStatsInProcess(actor: AuditActor, revalidate: (tags: string[]) => unknown): Promise<JobRun> {
  const settings = await readSettings(db(), true);
  const payload = { source: 'admin' as const };
  const refused = statsUpdateJob.policy?.({ payload, settings } as Parameters<NonNullable<typeof statsUpdateJob.policy>>[0]);
  if (refused) throw typeof refused === 'string' ? new ConflictError('refused', refused) : new ConflictError(refused.code, refused.reason);

  const principal = actor.principal;
  const run = await startDirectRun({
    id: randomUUID(),
    jobName: statsUpdateJob.name,
    trigger: principal.type === 'user' ? 'manual' : 'api',
    source: fallbackSource,
    actor: principal.label,
    payload,
    priority: statsUpdateJob.priority,
    ranOn: `web:${hostname()}:${process.pid}`,
  });
  await recordAudits(actor, [{ action: 'job.trigger', targetType: 'job', targetId: statsUpdateJob.name, details: { runId: run.id, payload, fallback: 'the queue (Redis) is unreachable; run in the web process' } }]);
  logger.warn({ runId: run.id }, 'the queue is unreachable: stats-update runs in the web process (fallback)');

  const started = performance.now();
  const settled = await Promise.allSettled(
    statsSteps.map(async (step) => {
      const stepStart = performance.now();
      const rows = await rebuildStatsStep(step, statsUpdateJob.timeoutMs);
      return { name: step.name, rows, ms: Math.round(performance.now() - stepStart), ok: true };
    }),
  );
  const totalMs = Math.round(performance.now() - started);
  const steps = settled.map((result, index) =>
    result.status === 'fulfilled' ? result.value : { name: statsSteps[index]!.name, rows: 0, ms: 0, ok: false, error: errorText(result.reason) },
  );
  const committed = statsSteps.filter((_, index) => steps[index]!.ok);
  try {
    await revalidate(committed.flatMap((step) => step.cacheTags));
  } catch (error) {
    logger.warn({ err: errorText(error) }, 'the fallback stats run could not revalidate its tags');
  }
  const sumOfStepsMs = steps.reduce((sum, step) => sum + step.ms, 0);
  const counters = { stepsSucceeded: committed.length, stepsFailed: steps.length - committed.length, rowsWritten: steps.reduce((sum, step) => sum + step.rows, 0), totalMs, sumOfStepsMs };
  const failed = steps.filter((step) => !step.ok);
  const finished = failed.length
    ? await finishDirectRun(run.id, { status: 'failed', error: `${failed.length} of ${steps.length} stats steps failed: ${failed.map((step) => `${step.name} (${'error' in step ? step.error : ''})`).join('; ')}`, counters })
    : await finishDirectRun(run.id, {
        status: 'completed',
        counters,
        result: {
          source: 'admin',
          fallback: true,
          steps: steps.map(({ name, ms, rows, ok }) => ({ name, ms, rows, ok })),
          totalMs,
          sumOfStepsMs,
          parallelGain: totalMs > 0 ? Math.round((sumOfStepsMs / totalMs) * 100) / 100 : null,
          processed: counters.rowsWritten,
          apiRequests: 0,
          cacheKeysInvalidated: 0,
          tagsRevalidated: committed.flatMap((step) => step.cacheTags).length,
        },
      });
  return finished ?? run;
}
