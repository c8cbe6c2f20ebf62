import type { JobDefinition } from '../jobs/define-job.ts';
import { ForbiddenError } from '../errors.ts';
import type { Principal } from './principal.ts';

type JobRef = Pick<JobDefinition, 'name' | 'category'>;

/**
 * Operators act only on the jobs granted to them: a grant is a job name, `category:<name>`,
 * or `*`. Admins act on everything; viewers on nothing (their role already stops them).
 */
export function mayActOnJob(principal: Principal, job: JobRef): boolean {
  if (principal.role === 'admin') return true;
  if (principal.role !== 'operator') return false;
  return principal.grants.some((grant) => grant === '*' || grant === job.name || grant === `category:${job.category}`);
}

export function assertMayActOnJob(principal: Principal, job: JobRef): void {
  if (!mayActOnJob(principal, job)) throw new ForbiddenError(`You have no grant for job "${job.name}"`);
}

/**
 * What an alert is about, for the grants: a job (its name and category), a queue (a
 * category), or nothing job-shaped (a worker, a job no longer in the catalog).
 */
export type AlertScope = { job: JobRef } | { category: string } | { none: true };

/**
 * Acknowledging or resolving an alert silences it, so an operator needs a grant for what it
 * is about: the job (or its category), the queue's category; an alert about no job (a worker
 * going offline) needs an admin or a `*` grant.
 */
export function mayActOnAlert(principal: Principal, scope: AlertScope): boolean {
  if (principal.role === 'admin') return true;
  if (principal.role !== 'operator') return false;
  if ('job' in scope) return mayActOnJob(principal, scope.job);
  if ('category' in scope) return principal.grants.some((grant) => grant === '*' || grant === `category:${scope.category}`);
  return principal.grants.includes('*');
}
