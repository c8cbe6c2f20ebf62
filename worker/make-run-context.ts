import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { JobDefinition } from '@/lib/jobs/define-job.ts';
import { runBatch } from './batch/run-batch.ts';
import type { BullMirror } from './bull-mirror.ts';
import type { RunContext } from './run-context.ts';
import type { RunStatusWriter } from './status/run-status-writer.ts';

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
    async phase(name, fn) {
      report.phase = name;
      writer.progress(runId, { phase: name });
      event('phase', `${name} started`, { phase: name, state: 'started' });
      const startedAt = Date.now();
      try {
        const value = await fn();
        event('phase', `${name} finished`, { phase: name, state: 'finished', durationMs: Date.now() - startedAt });
        return value;
      } catch (error) {
        event('phase', `${name} failed`, { phase: name, state: 'failed', durationMs: Date.now() - startedAt }, 'error');
        throw error;
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
