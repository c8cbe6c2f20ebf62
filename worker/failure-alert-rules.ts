import { Prisma } from '@/lib/db.ts';
import type { JobDefinition } from '@/lib/jobs/define-job.ts';

/**
 * The alert rules jobs ask for with `alertOnFailure` (lib/jobs/define-job.ts): one rule per
 * job, "‹job› failed" (run-failed, scoped to the job, severity as declared, to the dashboard),
 * made by the catalog sync when it first sees the job declare it. Kickoff records whether a
 * job has declared it in the job's synced contract, so the rule is made once: a person may then
 * add channels to it, change it, or delete it, and a later sync leaves that as it is.
 */

/** Who made the rule, as the Alerts page shows it. */
export const failureRuleAuthor = 'kickoff';

export function failureRuleName(jobName: string): string {
  return `${jobName} failed`;
}

/**
 * Makes the rules of the jobs that declare `alertOnFailure` and had not declared it when this
 * database last synced them (a job seen for the first time, or one that gained the option).
 * Call inside the catalog sync's transaction, before it writes the new contracts.
 */
export async function createFailureAlertRules(tx: Prisma.TransactionClient, jobs: readonly JobDefinition[]): Promise<string[]> {
  const declaring = jobs.filter((job) => job.alertOnFailure !== null);
  if (declaring.length === 0) return [];
  const synced = await tx.jobDefinition.findMany({ where: { name: { in: declaring.map((job) => job.name) } }, select: { name: true, contract: true } });
  const declaredBefore = new Set(
    synced.filter((row) => typeof (row.contract as { alertOnFailure?: unknown } | null)?.alertOnFailure === 'string').map((row) => row.name),
  );
  const created: string[] = [];
  for (const job of declaring) {
    if (declaredBefore.has(job.name)) continue;
    await tx.alertRule.create({
      data: {
        name: failureRuleName(job.name),
        condition: { type: 'run-failed' },
        scope: { job: job.name },
        severity: job.alertOnFailure!,
        channels: [{ type: 'dashboard' }],
        createdBy: failureRuleAuthor,
      },
    });
    created.push(job.name);
  }
  return created;
}
