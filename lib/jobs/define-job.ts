import { z } from 'zod';
import type { Category } from './categories.ts';
import type { JobPolicyHook } from './run-policy.ts';
import type { Priority } from './run-state.ts';

/**
 * A job's contract: everything about a job except the code that runs it. Definitions live
 * in `lib/jobs/definitions/` so the web app validates a trigger with the very schema the
 * worker runs with; the handler is attached in `worker/jobs/`. What only a worker can judge
 * is declared with the handler (worker/define-handler.ts): a scheduled fire's `condition`,
 * and the `checks` asked before any run starts (worker/pre-run-checks.ts). A category's
 * concurrency and rate limit are the category's (lib/jobs/categories.ts).
 */

/** When a job fires by itself. Omit for a manual-only job. */
export type ScheduleOptions =
  | {
      /** Five-field cron (`'*\/5 0-4,18-23 * * *'`) or `@hourly`, `@daily`, `@weekly`. */
      cron: string;
      /** IANA timezone the cron is read in. Default: `UTC` (never the machine's). */
      tz?: string;
    }
  | {
      /** Fixed interval in milliseconds between fires. */
      every: number;
    };

/** Hours of the day a scheduled fire may run in; a fire outside is recorded as `skipped`. */
export interface WindowOptions {
  /** Hours in cron's hour-field syntax, e.g. `'0-7,19-23'`. */
  hours: string;
  /** Timezone the hours are read in. Default: the schedule's timezone, else `UTC`. */
  tz?: string;
}

export interface RetryOptions {
  /** Tries in all, the first included. Default: 3. */
  attempts?: number;
  /** How the wait between tries grows. Default: `exponential`. */
  backoff?: 'exponential' | 'fixed' | 'immediate' | 'none';
  /** The first wait in milliseconds. Default: 1000. */
  delayMs?: number;
}

/** How loudly a failed run is announced by the alert rule a job asks for (see `alertOnFailure`). */
export type FailureAlertSeverity = 'critical' | 'warning' | 'info';

export interface ExclusiveOptions {
  /** How long the lock lives without renewal (it is renewed while the run lives). Default: 5 min. */
  lockTtlMs?: number;
}

export interface JobDefinitionOptions<TPayload extends z.ZodType, TConfig extends z.ZodType, TName extends string = string> {
  /** Unique kebab-case name; also the BullMQ job name. */
  name: TName;
  category: Category;
  description: string;
  schedule?: ScheduleOptions;
  /** Only let scheduled fires run inside these hours. Default: any time. Manual triggers ignore it. */
  window?: WindowOptions;
  /** Default: `medium`. Manual and API triggers run ahead of scheduled runs of any priority. */
  priority?: Priority;
  retry?: RetryOptions;
  /** Never run twice at once across all workers. Default: not exclusive. */
  exclusive?: boolean | ExclusiveOptions;
  /** A run past this is aborted through its signal. Default: 10 minutes. */
  timeoutMs?: number;
  /** Jobs whose success enqueues this one. Default: none. */
  dependsOn?: string[];
  /**
   * A run that fails (on its last attempt) raises an alert of this severity. The worker's
   * catalog sync creates the rule "‹job› failed" (run-failed, scoped to the job, to the
   * dashboard) once, when it first sees the job declare it; from then on it is an ordinary
   * rule: add channels, change or delete it on the Alerts page (a deleted one is not made
   * again). Default: none (no rule is made).
   */
  alertOnFailure?: FailureAlertSeverity;
  /** Validates a run's payload; a payload that fails never reaches the handler. */
  payload: TPayload;
  /** Validates the job's configuration; its defaults are the initial config. Default: `{}`. */
  config?: TConfig;
  /**
   * The web app's Next.js cache tags over what the job writes: when a run completes, the
   * worker revalidates them (through `POST /api/internal/cache/invalidate`). Default: none.
   */
  cacheTags?: string[];
  /**
   * The job's own switch, asked on every path that makes or starts a run (people's requests
   * are refused with the reason; scheduled, event and dependency runs are skipped with it):
   * return a reason the run must not happen now, or null. Default: none. See run-policy.ts.
   */
  policy?: JobPolicyHook<z.output<TPayload>>;
}

/** `TName` is the job's name as a literal type, so a handler map keyed by name can tell two jobs of the same shape apart. */
export type JobDefinition<TPayload extends z.ZodType = z.ZodType, TConfig extends z.ZodType = z.ZodType, TName extends string = string> = Readonly<
  Required<Pick<JobDefinitionOptions<TPayload, TConfig, TName>, 'name' | 'category' | 'description' | 'payload'>> & {
    schedule: ScheduleOptions | null;
    window: Required<WindowOptions> | null;
    priority: Priority;
    retry: Required<RetryOptions>;
    exclusive: Required<ExclusiveOptions> | null;
    timeoutMs: number;
    dependsOn: string[];
    alertOnFailure: FailureAlertSeverity | null;
    config: TConfig;
    cacheTags: string[];
    policy: JobPolicyHook<z.output<TPayload>> | null;
  }
>;

export const defaultRetry: Required<RetryOptions> = { attempts: 3, backoff: 'exponential', delayMs: 1_000 };
export const defaultTimeoutMs = 10 * 60_000;
export const defaultLockTtlMs = 5 * 60_000;

/** Declares a job's contract with every default filled in. */
export function defineJob<TPayload extends z.ZodType, TConfig extends z.ZodType = z.ZodObject<{}>, TName extends string = string>(
  options: JobDefinitionOptions<TPayload, TConfig, TName>,
): JobDefinition<TPayload, TConfig, TName> {
  const retry = { ...defaultRetry, ...options.retry };
  if (retry.backoff === 'none') retry.attempts = 1;
  return Object.freeze({
    name: options.name,
    category: options.category,
    description: options.description,
    payload: options.payload,
    schedule: options.schedule ? normalizeSchedule(options.schedule) : null,
    window: options.window
      ? { hours: options.window.hours, tz: options.window.tz ?? (options.schedule && 'cron' in options.schedule ? options.schedule.tz : undefined) ?? 'UTC' }
      : null,
    priority: options.priority ?? 'medium',
    retry,
    exclusive: options.exclusive
      ? { lockTtlMs: (typeof options.exclusive === 'object' && options.exclusive.lockTtlMs) || defaultLockTtlMs }
      : null,
    timeoutMs: options.timeoutMs ?? defaultTimeoutMs,
    dependsOn: options.dependsOn ?? [],
    alertOnFailure: options.alertOnFailure ?? null,
    config: options.config ?? (z.object({}) as unknown as TConfig),
    cacheTags: options.cacheTags ?? [],
    policy: options.policy ?? null,
  });
}

function normalizeSchedule(schedule: ScheduleOptions): ScheduleOptions {
  return 'cron' in schedule ? { cron: schedule.cron.trim(), tz: schedule.tz ?? 'UTC' } : { every: schedule.every };
}

/** What a handler receives as its payload (after the schema's defaults and transforms). */
export type PayloadOf<T extends JobDefinition> = z.output<T['payload']>;
/** What a caller passes when it triggers the job. */
export type PayloadInput<T extends JobDefinition> = z.input<T['payload']>;
export type ConfigOf<T extends JobDefinition> = z.output<T['config']>;
