import { recordAudit, type AuditActor } from '../audit.ts';
import { NotFoundError } from '../errors.ts';
import { isCategory } from '../jobs/categories.ts';
import { queues } from '../queue/queues.ts';

/** Pauses or resumes a category's queue for every worker (active runs finish). */
export async function setQueuePaused(category: string, paused: boolean, actor: AuditActor): Promise<{ category: string; paused: boolean }> {
  if (!isCategory(category)) throw new NotFoundError('Queue', category);
  const queue = queues().for(category);
  const before = await queue.isPaused();
  if (paused) await queue.pause();
  else await queue.resume();
  await recordAudit(actor, { action: paused ? 'queue.pause' : 'queue.resume', targetType: 'queue', targetId: category, before: { paused: before }, after: { paused } });
  return { category, paused };
}
