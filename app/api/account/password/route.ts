import { readJsonBody } from '@/lib/api/read-body.ts';
import { withAuth } from '@/lib/api/with-auth.ts';
import { assertHasOwnPassword, changeOwnPassword } from '@/lib/users/change-own-password.ts';
import { passwordChangeSchema } from '@/lib/validations/auth.ts';

/** `POST /api/account/password` `{ currentPassword, newPassword }`: your own password; your other sessions end. */
export const POST = withAuth('account:edit', async ({ request, principal, requestId, ip }) => {
  assertHasOwnPassword(principal);
  const input = await readJsonBody(request, passwordChangeSchema);
  return Response.json(await changeOwnPassword(input, { principal, requestId, ip }));
});
