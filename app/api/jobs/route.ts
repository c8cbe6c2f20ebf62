import { withAuth } from '@/lib/api/with-auth.ts';
import { listJobs } from '@/lib/data/jobs.ts';

export const GET = withAuth('jobs:read', async () => Response.json({ jobs: await listJobs() }));
