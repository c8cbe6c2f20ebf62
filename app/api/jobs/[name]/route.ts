import { withAuth } from '@/lib/api/with-auth.ts';
import { getJob } from '@/lib/data/jobs.ts';

export const GET = withAuth<{ name: string }>('jobs:read', async ({ params }) => Response.json({ job: await getJob(params.name) }));
