import Bowser from 'bowser';
import { recordAudit, type AuditActor } from '../audit.ts';
import { db } from '../db.ts';
import { NotFoundError } from '../errors.ts';
import { assertHasOwnPassword } from './change-own-password.ts';

/**
 * A person's own sessions (the account page): where each was opened from and when it was
 * last used, and ending one. A session is named by the first 16 hex digits of its id (the
 * token's hash), so neither the token nor its whole hash leaves the server.
 */
export interface OwnSessionDto {
  id: string;
  /** `Firefox 132 on Linux`, from the user agent the session was opened with. */
  browser: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  /** The session this request came with. */
  current: boolean;
}

const publicIdLength = 16;
const publicId = (sessionId: string) => sessionId.slice(0, publicIdLength);

/** A user agent in words: browser and major version, on which system. */
export function describeUserAgent(userAgent: string | null): string {
  if (!userAgent) return 'Unknown browser';
  const parsed = Bowser.parse(userAgent);
  const browser = parsed.browser.name ? `${parsed.browser.name}${parsed.browser.version ? ` ${parsed.browser.version.split('.')[0]}` : ''}` : null;
  const os = parsed.os.name ?? null;
  if (!browser) return os ? `A program on ${os}` : userAgent.slice(0, 60);
  return os ? `${browser} on ${os}` : browser;
}

export async function listOwnSessions(actor: AuditActor): Promise<OwnSessionDto[]> {
  const { principal } = actor;
  assertHasOwnPassword(principal);
  const sessions = await db().session.findMany({ where: { userId: principal.id, expiresAt: { gt: new Date() } }, orderBy: { lastSeenAt: 'desc' } });
  return sessions.map((session) => ({
    id: publicId(session.id),
    browser: describeUserAgent(session.userAgent),
    userAgent: session.userAgent,
    ip: session.ip,
    createdAt: session.createdAt.toISOString(),
    lastSeenAt: session.lastSeenAt.toISOString(),
    expiresAt: session.expiresAt.toISOString(),
    current: session.id === principal.sessionId,
  }));
}

/** Ends one of your sessions (the current one too: that is signing out here). */
export async function endOwnSession(id: string, actor: AuditActor): Promise<{ ended: true; current: boolean }> {
  const { principal } = actor;
  assertHasOwnPassword(principal);
  const found = /^[0-9a-f]{16}$/.test(id) ? await db().session.findFirst({ where: { userId: principal.id, id: { startsWith: id } }, select: { id: true } }) : null;
  if (!found) throw new NotFoundError('Session', id);
  await db().session.deleteMany({ where: { id: found.id, userId: principal.id } });
  await recordAudit(actor, { action: 'session.end', targetType: 'user', targetId: principal.label, details: { session: id } });
  return { ended: true, current: found.id === principal.sessionId };
}
