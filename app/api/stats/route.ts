import { readQuery } from '@/lib/api/read-body.ts';
import { withAuth } from '@/lib/api/with-auth.ts';
import { getStats } from '@/lib/data/stats.ts';
import { statsQuerySchema } from '@/lib/validations/stats.ts';

export const GET = withAuth('stats:read', async ({ request }) => Response.json(await getStats(readQuery(request, statsQuerySchema))));
