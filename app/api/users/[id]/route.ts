import { readJsonBody } from '@/lib/api/read-body.ts';
import { withAuth } from '@/lib/api/with-auth.ts';
import { updateUser } from '@/lib/users/manage-users.ts';
import { updateUserSchema } from '@/lib/validations/users.ts';

export const PATCH = withAuth<{ id: string }>('users:manage', async ({ request, params, principal, requestId, ip }) =>
  Response.json({ user: await updateUser(params.id, await readJsonBody(request, updateUserSchema), { principal, requestId, ip }) }),
);
