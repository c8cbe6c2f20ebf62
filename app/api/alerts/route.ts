import { readQuery } from '@/lib/api/read-body.ts';
import { withAuth } from '@/lib/api/with-auth.ts';
import { listAlerts } from '@/lib/alerts/alerts.ts';
import { listChannelHealth } from '@/lib/alerts/channel-health.ts';
import { db } from '@/lib/db.ts';
import { env } from '@/lib/env.ts';
import { redis } from '@/lib/redis.ts';
import { alertsQuerySchema } from '@/lib/validations/alerts.ts';

/** `GET /api/alerts`: the alerts with their deliveries, and the channels failing now. */
export const GET = withAuth('stats:read', async ({ request, principal }) => {
  const { status } = readQuery(request, alertsQuerySchema);
  const [alerts, channels] = await Promise.all([listAlerts(status, { admin: principal.role === 'admin' }), listChannelHealth(db(), redis(), env().QUEUE_PREFIX)]);
  return Response.json({ alerts, channels });
});
