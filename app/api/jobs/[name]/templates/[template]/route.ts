import { withAuth } from '@/lib/api/with-auth.ts';
import { deleteTemplate } from '@/lib/services/payload-templates.ts';

export const DELETE = withAuth<{ name: string; template: string }>('jobs:trigger', async ({ params, principal, requestId, ip }) => {
  await deleteTemplate(params.name, params.template, { principal, requestId, ip });
  return Response.json({ deleted: true });
});
