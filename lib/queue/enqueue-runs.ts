import type { Category } from '../jobs/categories.ts';
import type { JobDefinition } from '../jobs/define-job.ts';
import type { RunTrigger } from '../jobs/run-state.ts';
import { backoffFor } from './backoff.ts';
import { queues as sharedQueues, type QueueSet } from './queues.ts';
import { bullPriority, type RunJobData } from './run-job-data.ts';

/** A run whose row exists, to be put on its category's queue. */
export interface RunToEnqueue {
  job: Pick<JobDefinition, 'name' | 'category' | 'priority' | 'retry'>;
  run: { id: string; payload: unknown; trigger: RunTrigger; source: string | null; actor: string | null; requestId: string | null };
  /** Attempts the run made before (the reconciler's re-queue of a run Redis lost). Default: 0. */
  attemptsBefore?: number;
  /** Wait this long before the attempt may start (a retry's remaining backoff). Default: none. */
  delayMs?: number;
}

/**
 * Adds runs to their queues as BullMQ jobs: the job id is the run id, the data is the
 * `RunJobData` built from the row, the priority, attempts and backoff come from the job's
 * definition. The run pipeline adds every new run through here, and the reconciler every run
 * it puts back after Redis lost it, so a re-queued run is the same job it was. One bulk add per
 * queue (1 000 jobs at a time). An id BullMQ already has is left as it is.
 */
export async function enqueueRuns(entries: readonly RunToEnqueue[], queueSet: QueueSet = sharedQueues()): Promise<void> {
  const byCategory = new Map<Category, RunToEnqueue[]>();
  for (const entry of entries) byCategory.set(entry.job.category, [...(byCategory.get(entry.job.category) ?? []), entry]);
  for (const [category, group] of byCategory) {
    const jobs = group.map(({ job, run, attemptsBefore, delayMs }) => {
      const data: RunJobData = { payload: run.payload, trigger: run.trigger, source: run.source, actor: run.actor, requestId: run.requestId };
      if (attemptsBefore) data.attemptsBefore = attemptsBefore;
      return {
        name: job.name,
        data,
        opts: {
          jobId: run.id,
          priority: bullPriority(job.priority, run.trigger),
          attempts: job.retry.attempts,
          backoff: backoffFor(job.retry),
          ...(delayMs && delayMs > 0 ? { delay: Math.round(delayMs) } : {}),
        },
      };
    });
    const queue = queueSet.for(category);
    if (jobs.length === 1) await queue.add(jobs[0]!.name, jobs[0]!.data, jobs[0]!.opts);
    else for (let start = 0; start < jobs.length; start += 1_000) await queue.addBulk(jobs.slice(start, start + 1_000));
  }
}
