import { withAuth } from '@/lib/api/with-auth.ts';
import { listOwnSessions } from '@/lib/users/own-sessions.ts';

/** `GET /api/account/sessions`: your own sessions, the one you asked with marked `current`. */
export const GET = withAuth('account:edit', async ({ principal, requestId, ip }) => Response.json({ sessions: await listOwnSessions({ principal, requestId, ip }) }));
