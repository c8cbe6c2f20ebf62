import type { Logger } from 'pino';
import type { JobDefinition } from '@/lib/jobs/define-job.ts';
import { queueDependents } from './dependents.ts';
import { revalidateWebTags } from './revalidate-web-tags.ts';
import type { RunStatusWriter } from './status/run-status-writer.ts';

/**
 * What a completed run sets off: its job's dependents (trigger `dependency`) and the web app's
 * cache tags it declares (`cacheTags`). The completion is written first, so dependents and the
 * pages see it.
 */
export async function afterSuccess(jobs: readonly JobDefinition[], definition: JobDefinition, runId: string, writer: RunStatusWriter, log: Logger): Promise<void> {
  const hasDependents = jobs.some((job) => job.dependsOn.includes(definition.name));
  if (!hasDependents && definition.cacheTags.length === 0) return;
  await writer.flush();
  if (hasDependents) await queueDependents(jobs, definition, runId, log).catch((error: unknown) => log.warn({ err: error }, 'could not queue dependents'));
  if (definition.cacheTags.length > 0) {
    const web = await revalidateWebTags(definition.cacheTags);
    if (!web.ok) log.warn({ err: web.error, tags: definition.cacheTags }, 'web cache tags not revalidated');
  }
}
