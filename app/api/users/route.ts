import { readJsonBody } from '@/lib/api/read-body.ts';
import { withAuth } from '@/lib/api/with-auth.ts';
import { createUser, listUsers } from '@/lib/users/manage-users.ts';
import { createUserSchema } from '@/lib/validations/users.ts';

export const GET = withAuth('users:manage', async () => Response.json({ users: await listUsers() }));

export const POST = withAuth('users:manage', async ({ request, principal, requestId, ip }) => {
  const user = await createUser(await readJsonBody(request, createUserSchema), { principal, requestId, ip });
  return Response.json({ user }, { status: 201 });
});
