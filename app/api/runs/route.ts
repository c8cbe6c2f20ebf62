import { readQuery } from '@/lib/api/read-body.ts';
import { withAuth } from '@/lib/api/with-auth.ts';
import { listRuns } from '@/lib/data/runs.ts';
import { runListQuerySchema } from '@/lib/validations/runs.ts';

export const GET = withAuth('runs:read', async ({ request }) => Response.json(await listRuns(readQuery(request, runListQuerySchema))));
