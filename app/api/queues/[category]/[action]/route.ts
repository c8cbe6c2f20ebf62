import { withAuth } from '@/lib/api/with-auth.ts';
import { NotFoundError } from '@/lib/errors.ts';
import { setQueuePaused } from '@/lib/services/queue-control.ts';

/** `POST /api/queues/:category/pause` and `POST /api/queues/:category/resume` (admins). */
export const POST = withAuth<{ category: string; action: string }>('queues:manage', async ({ params, principal, requestId, ip }) => {
  if (params.action !== 'pause' && params.action !== 'resume') throw new NotFoundError('Queue action', params.action);
  return Response.json(await setQueuePaused(params.category, params.action === 'pause', { principal, requestId, ip }));
});
