import type { JobDefinition } from '../jobs/define-job.ts';
import { ForbiddenError } from '../errors.ts';
import type { Principal } from './principal.ts';

/**
 * Operators act only on the jobs granted to them: a grant is a job name, `category:<name>`,
 * or `*`. Admins act on everything; viewers on nothing (their role already stops them).
 */
export function mayActOnJob(principal: Principal, job: Pick<JobDefinition, 'name' | 'category'>): boolean {
  if (principal.role === 'admin') return true;
  if (principal.role !== 'operator') return false;
  return principal.grants.some((grant) => grant === '*' || grant === job.name || grant === `category:${job.category}`);
}

export function assertMayActOnJob(principal: Principal, job: Pick<JobDefinition, 'name' | 'category'>): void {
  if (!mayActOnJob(principal, job)) throw new ForbiddenError(`You have no grant for job "${job.name}"`);
}
