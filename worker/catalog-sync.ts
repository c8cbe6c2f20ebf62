import { z } from 'zod';
import type { Db } from '@/lib/db.ts';
import type { JobDefinition } from '@/lib/jobs/define-job.ts';

/** The static facts of a definition that the dashboard and the API show. */
export function contractOf(job: JobDefinition) {
  return {
    retry: job.retry,
    timeoutMs: job.timeoutMs,
    exclusive: job.exclusive,
    dependsOn: job.dependsOn,
    cacheTags: job.cacheTags,
    payloadSchema: safeJsonSchema(job.payload),
    configSchema: safeJsonSchema(job.config),
  };
}

function safeJsonSchema(schema: z.ZodType): unknown {
  try {
    return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  } catch {
    return null;
  }
}

/**
 * Writes the catalog from code into PostgreSQL. Code owns the contract; the database owns
 * what people change at run time (enabled, pausedUntil, overrides, config), so those are
 * only set when a job is first seen.
 */
export async function syncCatalog(db: Db, jobs: JobDefinition[]): Promise<void> {
  const now = new Date();
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
    await db.jobDefinition.upsert({
      where: { name: job.name },
      create: { name: job.name, ...facts, config: job.config.parse({}) as object },
      update: facts,
    });
  }
  await db.jobDefinition.updateMany({
    where: { name: { notIn: jobs.map((job) => job.name) }, inCatalog: true },
    data: { inCatalog: false, syncedAt: now },
  });
}
