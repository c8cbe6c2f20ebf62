import { readJsonBody } from '@/lib/api/read-body.ts';
import { withAuth } from '@/lib/api/with-auth.ts';
import { getJob } from '@/lib/data/jobs.ts';
import { updateJob } from '@/lib/services/update-job.ts';
import { jobPatchSchema } from '@/lib/validations/jobs.ts';

export const GET = withAuth<{ name: string }>('jobs:read', async ({ params }) => Response.json({ job: await getJob(params.name) }));

export const PATCH = withAuth<{ name: string }>('jobs:edit', async ({ request, params, principal, requestId, ip }) => {
  const patch = await readJsonBody(request, jobPatchSchema);
  await updateJob(params.name, patch, { principal, requestId, ip });
  return Response.json({ job: await getJob(params.name) });
});
