import { z } from 'zod';
import type { Db } from '@/lib/db.ts';
import type { JobDefinition } from '@/lib/jobs/define-job.ts';
import { createFailureAlertRules } from './failure-alert-rules.ts';

/** The static facts of a definition that the dashboard and the API show. */
export function contractOf(job: JobDefinition) {
  return {
    retry: job.retry,
    timeoutMs: job.timeoutMs,
    exclusive: job.exclusive,
    dependsOn: job.dependsOn,
    cacheTags: job.cacheTags,
    alertOnFailure: job.alertOnFailure,
    payloadSchema: safeJsonSchema(job.payload),
    configSchema: safeJsonSchema(job.config),
  };
}

/**
 * The JSON Schema the dashboard builds its forms from. PostgreSQL's jsonb does not keep the
 * order of an object's keys, so the order the definition gives its fields is kept beside them
 * (`x-order`), and the form shows them in it.
 */
function safeJsonSchema(schema: z.ZodType): unknown {
  try {
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    const properties = json.properties as Record<string, unknown> | undefined;
    return properties ? { ...json, 'x-order': Object.keys(properties) } : json;
  } catch {
    return null;
  }
}

/** Serialises the catalog syncs of workers starting at once (a transaction-scoped advisory lock). */
const catalogSyncLock = 0x6b69636b; // 'kick'

/**
 * Writes the catalog from code into PostgreSQL. Code owns the contract; the database owns
 * what people change at run time (enabled, pausedUntil, overrides, config), so those are
 * only set when a job is first seen. A job that newly declares `alertOnFailure` gets its
 * default alert rule (worker/failure-alert-rules.ts) in the same transaction, which workers
 * starting together take one at a time, so the rule is made once.
 */
export async function syncCatalog(db: Db, jobs: JobDefinition[]): Promise<void> {
  const now = new Date();
  await db.$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(${catalogSyncLock}::bigint)`;
      await createFailureAlertRules(tx, jobs);
      for (const job of jobs) {
        const facts = {
          category: job.category,
          description: job.description,
          priority: job.priority,
          schedule: job.schedule ?? undefined,
          contract: contractOf(job) as object,
          inCatalog: true,
          syncedAt: now,
        };
        await tx.jobDefinition.upsert({
          where: { name: job.name },
          create: { name: job.name, ...facts, config: job.config.parse({}) as object },
          update: facts,
        });
      }
      await tx.jobDefinition.updateMany({
        where: { name: { notIn: jobs.map((job) => job.name) }, inCatalog: true },
        data: { inCatalog: false, syncedAt: now },
      });
    },
    { maxWait: 30_000, timeout: 60_000 },
  );
}
