import type { Role } from '@/generated/prisma/enums.ts';
import { db } from '../db.ts';
import { hashToken } from './tokens.ts';

/** Who is making a request: a signed-in user or an API key. */
export interface Principal {
  /** `telegram`: someone pressing "Acknowledge" on an alert message in a chat. */
  type: 'user' | 'apiKey' | 'telegram';
  id: string;
  /** What the audit log and the run's `actor` show: an email or `key:<name>`. */
  label: string;
  role: Role;
  /** For operators: job names and `category:<name>` entries they may act on. */
  grants: string[];
  /** For a user signed in with the session cookie: that session's id (the token's hash). */
  sessionId?: string;
}

export const sessionCookieName = 'kickoff_session';
export const sessionTtlMs = 7 * 24 * 3_600_000;

export async function principalFromApiKey(key: string): Promise<Principal | null> {
  const apiKey = await db().apiKey.findUnique({ where: { keyHash: hashToken(key) } });
  if (!apiKey || apiKey.revokedAt) return null;
  // Last use only needs minute precision; skip the write on busy keys.
  if (!apiKey.lastUsedAt || Date.now() - apiKey.lastUsedAt.getTime() > 60_000) {
    await db().apiKey.update({ where: { id: apiKey.id }, data: { lastUsedAt: new Date() } });
  }
  return { type: 'apiKey', id: apiKey.id, label: `key:${apiKey.name}`, role: apiKey.role, grants: toGrants(apiKey.grants) };
}

export async function principalFromSession(token: string): Promise<Principal | null> {
  const session = await db().session.findUnique({ where: { id: hashToken(token) }, include: { user: true } });
  if (!session || session.expiresAt.getTime() < Date.now() || session.user.disabledAt) return null;
  // "Last seen" on the account page needs minute precision; skip the write on busy sessions.
  if (Date.now() - session.lastSeenAt.getTime() > 60_000) {
    await db().session.updateMany({ where: { id: session.id }, data: { lastSeenAt: new Date() } });
  }
  return {
    type: 'user',
    id: session.user.id,
    label: session.user.email,
    role: session.user.role,
    grants: toGrants(session.user.grants),
    sessionId: session.id,
  };
}

function toGrants(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((grant): grant is string => typeof grant === 'string') : [];
}

/** Reads one cookie from a Cookie header. */
export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) {
      try {
        return decodeURIComponent(part.slice(index + 1).trim());
      } catch {
        return undefined; // not percent-encoded UTF-8: no token of ours
      }
    }
  }
  return undefined;
}
