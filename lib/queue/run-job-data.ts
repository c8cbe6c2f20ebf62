import type { RunTrigger } from '../jobs/run-state.ts';

/** What Kickoff stores in each BullMQ job's `data`; the run row holds the rest. */
export interface RunJobData {
  payload: unknown;
  trigger: RunTrigger;
  source?: string | null;
  actor?: string | null;
  requestId?: string | null;
}

/** BullMQ priorities: lower runs first. Manual and API triggers go ahead of every scheduled run. */
const priorityRank = { critical: 1, high: 2, medium: 3, low: 4 } as const;

export function bullPriority(priority: keyof typeof priorityRank, trigger: RunTrigger): number {
  const pushedByPerson = trigger === 'manual' || trigger === 'api' || trigger === 'retry';
  return priorityRank[priority] + (pushedByPerson ? 0 : 10);
}
