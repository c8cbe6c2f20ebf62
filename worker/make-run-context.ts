import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { defaultRetry, type JobDefinition } from '@/lib/jobs/define-job.ts';
import { UnrecoverableError } from 'bullmq';
import { retryDelay } from '@/lib/queue/backoff.ts';
import { runBatch } from './batch/run-batch.ts';
import type { BullMirror } from './bull-mirror.ts';
import { sleep, type RunContext } from './run-context.ts';
import type { RunStatusWriter } from './status/run-status-writer.ts';

/** A phase without `retry` is tried once; with one, what it leaves out is the engine's default (define-job.ts). */
const noPhaseRetry = { attempts: 1, backoff: 'none', delayMs: 1_000 } as const;

/** What a handler reported, carried into the run's final write. */
export interface RunReport {
  counters: Record<string, number>;
  phase: string | null;
}

export interface RunContextParts {
  job: Job;
  definition: JobDefinition;
  attempt: number;
  payload: unknown;
  config: unknown;
  signal: AbortSignal;
  logger: Logger;
  report: RunReport;
  writer: RunStatusWriter;
  mirror: BullMirror;
  redis: Redis;
  prefix: string;
}

/** The `ctx` a handler gets: what it reports goes to the run row and its events (batched), and to its BullMQ job. */
export function makeRunContext(parts: RunContextParts): RunContext {
  const { job, definition, attempt, report, writer, mirror } = parts;
  const runId = job.id!;
  const event = (kind: 'phase' | 'log', message: string, fields?: Record<string, unknown>, level = 'info') => {
    writer.event(runId, attempt, kind, message, fields, level);
    mirror.log(job, message);
  };
  const ctx: RunContext = {
    runId,
    jobName: definition.name,
    attempt,
    payload: parts.payload,
    config: parts.config,
    signal: parts.signal,
    logger: parts.logger,
    async phase(name, fn, options = {}) {
      report.phase = name;
      writer.progress(runId, { phase: name });
      event('phase', `${name} started`, { phase: name, state: 'started' });
      const startedAt = Date.now();
      const retry = options.retry ? { ...defaultRetry, ...options.retry } : noPhaseRetry;
      const tries = retry.backoff === 'none' ? 1 : Math.max(1, Math.floor(retry.attempts));
      for (let attempt = 1; ; attempt++) {
        try {
          const value = await fn();
          event('phase', `${name} finished`, { phase: name, state: 'finished', durationMs: Date.now() - startedAt, tries: attempt });
          return value;
        } catch (error) {
          const again = attempt < tries && !parts.signal.aborted && !(error instanceof UnrecoverableError);
          if (!again) {
            event('phase', `${name} failed`, { phase: name, state: 'failed', durationMs: Date.now() - startedAt, tries: attempt }, 'error');
            throw error;
          }
          const waitMs = retryDelay(retry.backoff, retry.delayMs, attempt, error);
          const message = error instanceof Error ? error.message : String(error);
          event('phase', `${name} failed (try ${attempt} of ${tries}), trying again${waitMs > 0 ? ` in ${waitMs} ms` : ''}: ${message}`, { phase: name, state: 'retrying', try: attempt, waitMs }, 'warn');
          ctx.count('phaseRetries');
          if (waitMs > 0) await sleep(waitMs, parts.signal);
        }
      }
    },
    progress(percent) {
      writer.progress(runId, { progress: percent });
      mirror.progress(job, percent);
    },
    log(message, fields) {
      event('log', message, fields);
    },
    count(name, n = 1) {
      report.counters[name] = (report.counters[name] ?? 0) + n;
      writer.progress(runId, { counters: { ...report.counters } });
    },
    batch: (items, options, fn) =>
      runBatch(items, options, fn, {
        redis: parts.redis,
        prefix: parts.prefix,
        jobName: definition.name,
        signal: parts.signal,
        onProgress: (done, total) => ctx.progress((done / total) * 100),
        count: (name, n) => ctx.count(name, n),
      }),
  };
  return ctx;
}
