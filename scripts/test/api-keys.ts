import type { Role } from '@/generated/prisma/enums.ts';
import { sessionCookieName } from '@/lib/auth/principal.ts';
import { hashToken, newSessionToken } from '@/lib/auth/tokens.ts';
import { db } from '@/lib/db.ts';

/** Creates an API key with a role (and grants) for a test; returns the key to send. */
export async function createTestApiKey(role: Role, grants: string[] = []): Promise<string> {
  const key = `kk_test_${role}_${Math.random().toString(36).slice(2)}${Date.now()}`;
  await db().apiKey.create({ data: { name: `test-${role}`, prefix: key.slice(0, 7), keyHash: hashToken(key), role, grants } });
  return key;
}

/** A Request to a route handler, as the given key; a body is sent as JSON unless the caller says otherwise. */
export function apiRequest(path: string, key: string | null, init: RequestInit = {}): Request {
  const headers = new Headers(init.headers);
  if (key) headers.set('authorization', `Bearer ${key}`);
  if (init.body !== undefined && init.body !== null && !headers.has('content-type')) headers.set('content-type', 'application/json');
  return new Request(`http://localhost:3000${path}`, { ...init, headers });
}

export const routeParams = <T,>(value: T) => ({ params: Promise.resolve(value) });

/** A user of the role signed in (a session row); returns what a browser would send and the principal the API sees. */
export async function createTestSession(role: Role, grants: string[] = []): Promise<{ cookie: string; email: string; userId: string }> {
  const email = `${role}-${Math.random().toString(36).slice(2)}-${Date.now()}@test`;
  const user = await db().user.create({ data: { email, passwordHash: 'not used', role, grants } });
  const token = newSessionToken();
  await db().session.create({ data: { id: hashToken(token), userId: user.id, expiresAt: new Date(Date.now() + 3_600_000) } });
  return { cookie: `${sessionCookieName}=${token}`, email, userId: user.id };
}

/** A Request to a route handler from the dashboard's own pages, as the signed-in user of `cookie`. */
export function sessionRequest(path: string, cookie: string, init: RequestInit = {}): Request {
  const headers = new Headers(init.headers);
  headers.set('cookie', cookie);
  headers.set('sec-fetch-site', 'same-origin');
  headers.set('origin', 'http://localhost:3000');
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  return new Request(`http://localhost:3000${path}`, { ...init, headers });
}
