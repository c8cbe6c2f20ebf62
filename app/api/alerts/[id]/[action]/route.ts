import { withAuth } from '@/lib/api/with-auth.ts';
import { changeAlert } from '@/lib/alerts/alerts.ts';
import { NotFoundError } from '@/lib/errors.ts';

/** `POST /api/alerts/:id/ack` and `POST /api/alerts/:id/resolve` (operators and admins). */
export const POST = withAuth<{ id: string; action: string }>('alerts:ack', async ({ params, principal, requestId, ip }) => {
  if (params.action !== 'ack' && params.action !== 'resolve') throw new NotFoundError('Alert action', params.action);
  await changeAlert(params.id, params.action, { principal, requestId, ip });
  return Response.json({ ok: true });
});
