import type { Redis } from 'ioredis';
import type { ConfigOf, JobDefinition, PayloadOf } from '@/lib/jobs/define-job.ts';
import type { RunContext } from './run-context.ts';

/** What a condition sees: the job's config, at the moment a scheduled fire is due. */
export interface ConditionContext<TConfig = unknown> {
  config: TConfig;
  /** The moment by the job's clock (see `JobClock`): the wall clock unless the job brings one. */
  now: Date;
}

/**
 * The clock a job's window and condition are judged by, when it is not the machine's: a job
 * pack whose domain keeps its own time (the league pack: the upstream's, lib/league/league-clock.ts).
 * Schedules still fire on the wall clock; the gate asks `now()` when a scheduled fire is due and
 * judges the window's hours and the condition at that moment, naming it in a skipped run's
 * reason ("Outside 00:00–07:59, 19:00–23:59 Asia/Shanghai (league time Sat 22 Aug 14:05)").
 */
export interface JobClock {
  /** Names the clock in reasons, e.g. `league time`. */
  readonly name: string;
  now(): Promise<Date>;
}

/**
 * Whether a scheduled fire should do its work: `true` runs it; `false` or a reason skips it
 * (the run is recorded as `skipped` with the reason). Manual, API and dependency triggers
 * are not asked.
 */
export type RunCondition<TConfig = unknown> = (ctx: ConditionContext<TConfig>) => Promise<boolean | string>;

/** What a pre-run check sees: the job's config, the moment, and the worker's Redis and queue prefix. */
export interface PreRunCheckContext<TConfig = unknown> {
  config: TConfig;
  now: Date;
  redis: Redis;
  prefix: string;
}

/**
 * A check of the resources a run needs, asked by the worker's gate before a run starts
 * (worker/run-gate.ts; ready-made ones in worker/pre-run-checks.ts): `true` lets it start,
 * a reason ends it `skipped` with "Pre-run check failed: ‹name›: ‹reason›". `check` is a
 * method for the same reason as JobHandler's `run`.
 */
export interface PreRunCheck<TConfig = unknown> {
  /** Names the check in the reason, e.g. `cache`. */
  readonly name: string;
  check(ctx: PreRunCheckContext<TConfig>): Promise<true | string>;
}

export interface HandlerOptions<TJob extends JobDefinition> {
  condition?: RunCondition<ConfigOf<TJob>>;
  /** The clock the window and the condition are judged by. Default: the wall clock. */
  clock?: JobClock;
  /**
   * Checked before every run starts (any trigger; not before a later attempt of a run that
   * already started), all at once, each within 2 s: a check that fails, throws or does not
   * answer ends the run `skipped` with its reason. Default: none.
   */
  checks?: readonly PreRunCheck<ConfigOf<TJob>>[];
}

/**
 * A job's contract with the code that runs it. `run` and `condition` are declared as methods,
 * not as function-typed properties: method parameters are compared bivariantly, so the
 * handler of one job (whose `ctx.payload` and `ctx.config` are typed from its schemas) is a
 * `JobHandler` of no job in particular without a cast, and a list of them can be handed to
 * the runner. That is sound here because the runner calls a handler only with a context
 * built from the handler's own `job` (its payload and config parsed by that job's schemas).
 */
export interface JobHandler<TJob extends JobDefinition = JobDefinition> {
  readonly job: TJob;
  run(ctx: RunContext<PayloadOf<TJob>, ConfigOf<TJob>>): Promise<unknown>;
  condition?(ctx: ConditionContext<ConfigOf<TJob>>): Promise<boolean | string>;
  readonly checks?: readonly PreRunCheck<ConfigOf<TJob>>[];
  readonly clock?: JobClock;
}

/** Attaches a handler to a job definition; `ctx.payload` and `ctx.config` are typed from its schemas. */
export function defineHandler<TJob extends JobDefinition>(
  job: TJob,
  run: (ctx: RunContext<PayloadOf<TJob>, ConfigOf<TJob>>) => Promise<unknown>,
  options: HandlerOptions<TJob> = {},
): JobHandler<TJob> {
  return { job, run, condition: options.condition, checks: options.checks, clock: options.clock };
}