import { withAuth } from '@/lib/api/with-auth.ts';
import { revokeApiKey } from '@/lib/users/manage-users.ts';

export const DELETE = withAuth<{ id: string }>('users:manage', async ({ params, principal, requestId, ip }) => {
  await revokeApiKey(params.id, { principal, requestId, ip });
  return Response.json({ revoked: true });
});
