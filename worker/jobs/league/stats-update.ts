import { statsSteps, statsUpdateJob, type StatsStep } from '@/lib/jobs/definitions/league/stats-update.ts';
import { rebuildStatsStep } from '@/lib/league/rebuild-stats-step.ts';
import { defineHandler } from '../../define-handler.ts';
import type { RunContext } from '../../run-context.ts';
import { revalidateWebTags } from '../../revalidate-web-tags.ts';
import { leagueServices } from './league-services.ts';

/**
 * Handler of stats-update (lib/jobs/definitions/league/stats-update.ts): starts the ten SQL steps at
 * once, each in its own transaction on its own connection, so that (with database cores to
 * spare) the run takes about as long as its slowest step rather than the sum of all, and a
 * failing step rolls back only its own table. Each step's time and outcome is logged and counted; each step that committed drops
 * its two-level cache keys and has the web app revalidate its Next.js tags. Any failed step
 * then fails the run, naming it (a retry reruns every step: each is a full rebuild).
 */

export interface StepOutcome {
  name: string;
  ms: number;
  rows: number;
  ok: boolean;
  error?: string;
}

class StepFailure extends Error {
  constructor(
    readonly ms: number,
    cause: unknown,
  ) {
    super(errorText(cause));
  }
}

/** A database error's message without Prisma's wrapping (`… Message: \`ERROR: boom\``). */
function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const postgres = /Message: `(?:ERROR: )?([^`]*)`/.exec(text)?.[1];
  return (postgres ?? text).split('\n')[0]!.slice(0, 300);
}

const since = (start: number) => Math.round(performance.now() - start);

const rebuild = rebuildStatsStep;

export const statsUpdateHandler = defineHandler(
  statsUpdateJob,
  async (ctx) => {
    const { source, eventId } = ctx.payload;
    const wanted = ctx.payload.steps;
    const steps: StatsStep[] = wanted ? statsSteps.filter((step) => wanted.includes(step.name)) : [...statsSteps];
    ctx.log(`stats update from ${source}: ${steps.length} steps in parallel`, { source, eventId, steps: steps.map((step) => step.name) });

    const started = performance.now();
    let done = 0;
    const settled = await ctx.phase('steps', () =>
      Promise.allSettled(
        steps.map(async (step) => {
          const stepStart = performance.now();
          try {
            const rows = await rebuild(step, statsUpdateJob.timeoutMs);
            return { rows, ms: since(stepStart) };
          } catch (error) {
            throw new StepFailure(since(stepStart), error);
          } finally {
            ctx.progress((++done / steps.length) * 90);
          }
        }),
      ),
    );
    const totalMs = since(started);

    const outcomes: StepOutcome[] = settled.map((result, index) => {
      const name = steps[index]!.name;
      if (result.status === 'fulfilled') return { name, ms: result.value.ms, rows: result.value.rows, ok: true };
      const failure = result.reason instanceof StepFailure ? result.reason : new StepFailure(0, result.reason);
      return { name, ms: failure.ms, rows: 0, ok: false, error: failure.message };
    });
    const sumOfStepsMs = outcomes.reduce((sum, outcome) => sum + outcome.ms, 0);
    // Timings first, so a failed run still shows them.
    for (const outcome of outcomes) {
      ctx.log(`step ${outcome.name} ${outcome.ok ? `wrote ${outcome.rows} rows` : 'failed'} in ${outcome.ms} ms`, { ...outcome });
      ctx.count(outcome.ok ? 'stepsSucceeded' : 'stepsFailed');
      ctx.count('rowsWritten', outcome.rows);
    }
    ctx.count('totalMs', totalMs);
    ctx.count('sumOfStepsMs', sumOfStepsMs);
    // Each step's time is measured while the others run beside it, so sumOfStepsMs is not what
    // the steps would take one after another: on a database with fewer cores than steps they
    // share the CPU, each takes longer, and the sum grows with the sharing.
    ctx.log(`${steps.length} steps done in ${totalMs} ms; their own times add up to ${sumOfStepsMs} ms`, { totalMs, sumOfStepsMs });

    // The committed steps' data is new whatever happened to the others.
    const committed = steps.filter((_, index) => outcomes[index]!.ok);
    const invalidated = await ctx.phase('invalidate', () => invalidate(ctx, committed));
    ctx.progress(100);

    const failed = outcomes.filter((outcome) => !outcome.ok);
    if (failed.length > 0) {
      throw new Error(`${failed.length} of ${steps.length} stats steps failed: ${failed.map((outcome) => `${outcome.name} (${outcome.error})`).join('; ')}`);
    }
    return {
      source,
      ...(eventId ? { eventId } : {}),
      steps: outcomes.map(({ name, ms, rows, ok }) => ({ name, ms, rows, ok })),
      totalMs,
      sumOfStepsMs,
      parallelGain: totalMs > 0 ? Math.round((sumOfStepsMs / totalMs) * 100) / 100 : null,
      processed: outcomes.reduce((sum, outcome) => sum + outcome.rows, 0),
      apiRequests: 0,
      ...invalidated,
    };
  },
);

/** Drops the two-level cache keys of the committed steps and asks the web app to revalidate their tags. */
async function invalidate(ctx: RunContext<unknown, unknown>, committed: StatsStep[]) {
  if (committed.length === 0) return { cacheKeysInvalidated: 0, tagsRevalidated: 0 };
  const { cache } = await leagueServices();
  const dropped = await Promise.all(committed.map((step) => cache.invalidatePattern(step.cacheKeyPrefix)));
  const cacheKeysInvalidated = dropped.reduce((sum, n) => sum + n, 0);
  ctx.count('cacheKeysInvalidated', cacheKeysInvalidated);

  const tags = committed.flatMap((step) => step.cacheTags);
  const web = await revalidateWebTags(tags);
  if (!web.ok) {
    ctx.logger.warn({ err: web.error, tags }, 'the web app did not revalidate the stats tags');
    ctx.log('warning: the web app was not reached; its stats pages catch up when their cache entries expire', { error: web.error, tags });
    return { cacheKeysInvalidated, tagsRevalidated: 0 };
  }
  if (web.failed.length > 0) ctx.log('warning: the web app could not revalidate some tags', { failed: web.failed });
  ctx.count('tagsRevalidated', web.revalidated.length);
  return { cacheKeysInvalidated, tagsRevalidated: web.revalidated.length };
}
