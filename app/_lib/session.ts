import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { principalFromSession, sessionCookieName, type Principal } from '@/lib/auth/principal.ts';

/** The signed-in user of a dashboard page, or a redirect to the sign-in page. */
export async function requirePrincipal(next = '/'): Promise<Principal> {
  const token = (await cookies()).get(sessionCookieName)?.value;
  const principal = token ? await principalFromSession(token) : null;
  if (!principal) redirect(`/login?next=${encodeURIComponent(next)}`);
  return principal;
}
