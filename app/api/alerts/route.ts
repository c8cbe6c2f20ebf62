import { z } from 'zod';
import { readQuery } from '@/lib/api/read-body.ts';
import { withAuth } from '@/lib/api/with-auth.ts';
import { listAlerts } from '@/lib/alerts/alerts.ts';

const alertsQuerySchema = z.object({ status: z.enum(['open', 'acknowledged', 'resolved']).optional() }).strict();

export const GET = withAuth('stats:read', async ({ request, principal }) =>
  Response.json({ alerts: await listAlerts(readQuery(request, alertsQuerySchema).status, { admin: principal.role === 'admin' }) }),
);
