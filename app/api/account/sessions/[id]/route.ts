import { withAuth } from '@/lib/api/with-auth.ts';
import { endOwnSession } from '@/lib/users/own-sessions.ts';

/** `DELETE /api/account/sessions/:id`: ends one of your sessions; that browser is signed out. */
export const DELETE = withAuth<{ id: string }>('account:edit', async ({ params, principal, requestId, ip }) => Response.json(await endOwnSession(params.id, { principal, requestId, ip })));
