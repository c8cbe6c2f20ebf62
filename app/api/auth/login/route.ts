import { readJsonBody } from '@/lib/api/read-body.ts';
import { assertSameOrigin, withErrors } from '@/lib/api/with-auth.ts';
import { sessionCookieName } from '@/lib/auth/principal.ts';
import { sessionCookie, signIn } from '@/lib/auth/sign-in.ts';
import { signInSchema } from '@/lib/validations/auth.ts';

export const POST = withErrors(async ({ request, ip }) => {
  assertSameOrigin(request);
  const input = await readJsonBody(request, signInSchema);
  const session = await signIn(input, { ip, userAgent: request.headers.get('user-agent') });
  const secure = new URL(request.url).protocol === 'https:';
  return Response.json(
    { user: session.user },
    { headers: { 'Set-Cookie': sessionCookie(sessionCookieName, session.token, session.expiresAt, secure) } },
  );
});
