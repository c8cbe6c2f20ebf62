import type { Role } from '@/generated/prisma/enums.ts';
import { hashToken } from '@/lib/auth/tokens.ts';
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
