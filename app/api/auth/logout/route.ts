import { assertSameOrigin, withErrors } from '@/lib/api/with-auth.ts';
import { readCookie, sessionCookieName } from '@/lib/auth/principal.ts';
import { sessionCookie, signOut } from '@/lib/auth/sign-in.ts';

export const POST = withErrors(async ({ request }) => {
  assertSameOrigin(request);
  const token = readCookie(request.headers.get('cookie'), sessionCookieName);
  if (token) await signOut(token);
  return Response.json({ ok: true }, { headers: { 'Set-Cookie': sessionCookie(sessionCookieName, '', new Date(0), false) } });
});
