import { readJsonBody } from '@/lib/api/read-body.ts';
import { withAuth } from '@/lib/api/with-auth.ts';
import { assertMaySaveTemplate, listTemplates, saveTemplate } from '@/lib/services/payload-templates.ts';
import { templateBodySchema } from '@/lib/validations/templates.ts';

export const GET = withAuth<{ name: string }>('jobs:read', async ({ params }) => Response.json({ templates: await listTemplates(params.name) }));

export const POST = withAuth<{ name: string }>('jobs:trigger', async ({ request, params, principal, requestId, ip }) => {
  assertMaySaveTemplate(params.name, principal);
  const body = await readJsonBody(request, templateBodySchema);
  return Response.json({ template: await saveTemplate(params.name, body, { principal, requestId, ip }) }, { status: 201 });
});
