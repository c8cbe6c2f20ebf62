import { recordAudit, type AuditActor } from '../audit.ts';
import type { Principal } from '../auth/principal.ts';
import { db } from '../db.ts';
import { ForbiddenError } from '../errors.ts';
import type { Preferences } from '../validations/preferences.ts';

/** Only a person signed in to the dashboard has preferences (an API key has no user). */
export function assertHasPreferences(principal: Principal): void {
  if (principal.type !== 'user') throw new ForbiddenError('Only a person signed in to the dashboard has display preferences (an API key has none)');
}

function userIdOf(principal: Principal): string {
  assertHasPreferences(principal);
  return principal.id;
}

/** The signed-in person's display preferences; `timeZone` null means "the browser's". */
export async function readPreferences(principal: Principal): Promise<Preferences> {
  if (principal.type !== 'user') return { timeZone: null };
  const user = await db().user.findUnique({ where: { id: principal.id }, select: { timeZone: true } });
  return { timeZone: user?.timeZone ?? null };
}

/** Sets the signed-in person's display preferences (audited like every change). */
export async function updatePreferences(actor: AuditActor, preferences: Preferences): Promise<Preferences> {
  const id = userIdOf(actor.principal);
  const before = await db().user.findUnique({ where: { id }, select: { timeZone: true } });
  const user = await db().user.update({ where: { id }, data: { timeZone: preferences.timeZone }, select: { email: true, timeZone: true } });
  await recordAudit(actor, { action: 'user.preferences', targetType: 'user', targetId: user.email, before: { timeZone: before?.timeZone ?? null }, details: { timeZone: user.timeZone } });
  return { timeZone: user.timeZone };
}
