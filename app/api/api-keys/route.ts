import { readJsonBody } from '@/lib/api/read-body.ts';
import { withAuth } from '@/lib/api/with-auth.ts';
import { createApiKey, listApiKeys } from '@/lib/users/manage-users.ts';
import { createApiKeySchema } from '@/lib/validations/users.ts';

export const GET = withAuth('users:manage', async () => Response.json({ apiKeys: await listApiKeys() }));

/** The key is in this response only; it is stored hashed. */
export const POST = withAuth('users:manage', async ({ request, principal, requestId, ip }) =>
  Response.json(await createApiKey(await readJsonBody(request, createApiKeySchema), { principal, requestId, ip }), { status: 201 }),
);
