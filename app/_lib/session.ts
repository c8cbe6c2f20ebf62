import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { principalFromSession, sessionCookieName, type Principal } from '@/lib/auth/principal.ts';

/** The signed-in user of a dashboard page, or a redirect to sign-in that comes back here. */
export async function requirePrincipal(): Promise<Principal> {
  const token = (await cookies()).get(sessionCookieName)?.value;
  const principal = token ? await principalFromSession(token) : null;
  if (!principal) {
    const path = (await headers()).get('x-kickoff-path') ?? '/';
    redirect(`/login?next=${encodeURIComponent(path)}`);
  }
  return principal;
}
