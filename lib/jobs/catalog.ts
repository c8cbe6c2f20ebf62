import type { JobDefinition } from './define-job.ts';
import { probeJob } from './definitions/probe.ts';

/**
 * Every job Kickoff knows, by name. This one map types both sides: what a trigger may send
 * (`PayloadInput<JobCatalog[N]>`) and what a handler receives (`PayloadOf<JobCatalog[N]>`).
 */
export const jobCatalog = {
  probe: probeJob,
} as const;

export type JobCatalog = typeof jobCatalog;
export type JobName = keyof JobCatalog;

export function findJob(name: string): JobDefinition | undefined {
  return Object.hasOwn(jobCatalog, name) ? (jobCatalog as Record<string, JobDefinition>)[name] : undefined;
}

export function allJobs(): JobDefinition[] {
  return Object.values(jobCatalog) as JobDefinition[];
}
