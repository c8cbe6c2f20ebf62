import { withAuth } from '@/lib/api/with-auth.ts';
import { getRun } from '@/lib/data/runs.ts';

export const GET = withAuth<{ id: string }>('runs:read', async ({ params, principal }) => Response.json({ run: await getRun(params.id, { admin: principal.role === 'admin' }) }));
