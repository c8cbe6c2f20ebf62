import type { Logger } from 'pino';
import type { RetryOptions } from '@/lib/jobs/define-job.ts';
import type { BatchOptions, BatchResult } from './batch/run-batch.ts';

export interface PhaseOptions {
  /**
   * Try the phase again within the run when it throws: `attempts` tries in all, waiting as
   * `backoff` says (`exponential` doubles `delayMs`, `fixed` keeps it, `immediate` and `none`
   * do not wait). The run's attempt is not used up and what earlier phases did is kept, so
   * the phase must be safe to repeat (e.g. skip what an earlier try committed). Not tried again:
   * an UnrecoverableError, or once the run's signal aborted. Each failed try is logged on the
   * run and counted (`phaseRetries`). Default: no retry (one try).
   */
  retry?: RetryOptions;
}

/**
 * What a handler gets: its validated payload and config, an abort signal, and ways to
 * report what it is doing. Everything reported lands on the run row and its events.
 */
export interface RunContext<TPayload = unknown, TConfig = unknown> {
  runId: string;
  jobName: string;
  /** 1-based attempt number. */
  attempt: number;
  payload: TPayload;
  config: TConfig;
  /** Aborted on timeout or cancel. */
  signal: AbortSignal;
  logger: Logger;
  /** Runs `fn` as a named phase: the run shows it as its current phase and logs its start and end (and retries, see PhaseOptions). */
  phase<T>(name: string, fn: () => Promise<T>, options?: PhaseOptions): Promise<T>;
  /** Reports progress from 0 to 100. */
  progress(percent: number): void;
  /** A log line on the run. */
  log(message: string, fields?: Record<string, unknown>): void;
  /** Adds `n` (default 1) to a named counter on the run. */
  count(name: string, n?: number): void;
  /**
   * Works through a list in batches with a concurrency cap, a rate limit shared by all
   * workers, a circuit breaker and a minimum success ratio (see worker/batch/run-batch.ts).
   * Its counts (apiCalls, batchSucceeded, batchFailed, batchSkipped, and when they happen
   * batchFromCache, batchSkippedOptional, batchSlowCalls) land on the run.
   */
  batch<T, R>(items: readonly T[], options: BatchOptions<T>, fn: (item: T, index: number) => Promise<R>): Promise<BatchResult<R>>;
}

/** Thrown into a handler's promise when its signal aborts, so a run that ignores it still ends. */
export class RunAbortedError extends Error {
  constructor(readonly reason: 'timeout' | 'cancelled', message: string) {
    super(message);
    this.name = 'RunAbortedError';
  }
}

/** Sleeps for `ms`, or rejects as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
