import type { RunTrigger } from '../jobs/run-state.ts';

/** What Kickoff stores in each BullMQ job's `data`; the run row holds the rest. */
export interface RunJobData {
  payload: unknown;
  trigger: RunTrigger;
  source?: string | null;
  actor?: string | null;
  requestId?: string | null;
  /**
   * Attempts the run had made before this BullMQ job was added: set only when the reconciler
   * puts a run back on its queue from its row (Redis no longer had its job), so the next
   * attempt is numbered on from the row's and counts against the same `maxAttempts`.
   */
  attemptsBefore?: number;
}

/** The BullMQ side of a job, as far as attempts go. */
interface AttemptCounts {
  attemptsMade: number;
  stalledCounter?: number;
  data: RunJobData;
}

/** Tries already used before the one starting now: BullMQ's own count plus those before a re-queue. */
export function triesBefore(job: AttemptCounts): number {
  return job.attemptsMade + (job.data.attemptsBefore ?? 0);
}

/** The number of the attempt starting now (1-based): a stalled recovery and a re-queue count as new attempts. */
export function attemptNumber(job: AttemptCounts): number {
  return triesBefore(job) + 1 + (job.stalledCounter ?? 0);
}

/** Whether the run has been tried before: a retry, a recovery from a stalled worker, or a run put back on its queue. */
export function isLaterAttempt(job: AttemptCounts): boolean {
  return attemptNumber(job) > 1;
}

/** BullMQ priorities: lower runs first. Manual and API triggers go ahead of every scheduled run. */
const priorityRank = { critical: 1, high: 2, medium: 3, low: 4 } as const;

export function bullPriority(priority: keyof typeof priorityRank, trigger: RunTrigger): number {
  const pushedByPerson = trigger === 'manual' || trigger === 'api' || trigger === 'retry';
  return priorityRank[priority] + (pushedByPerson ? 0 : 10);
}
