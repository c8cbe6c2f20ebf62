import { recordAudit, type AuditActor } from '../audit.ts';
import { hashPassword, verifyPassword } from '../auth/password.ts';
import { signInLimiter, type SignInLimiter } from '../auth/sign-in-limiter.ts';
import { db } from '../db.ts';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../errors.ts';
import type { Principal } from '../auth/principal.ts';
import type { PasswordChange } from '../validations/auth.ts';

/** Only a person signed in with the session cookie has a password of their own to change. */
export function assertHasOwnPassword(principal: Principal): asserts principal is Principal & { sessionId: string } {
  if (principal.type !== 'user' || !principal.sessionId) {
    throw new ForbiddenError('Only a person signed in to the dashboard has a password to change (an API key has none)');
  }
}

/**
 * A signed-in person sets a new password: the current one is checked first (counted by the
 * sign-in limits, so a stolen session cannot guess it faster than the sign-in form), then
 * every other session of theirs ends; the one they did it from stays.
 */
export async function changeOwnPassword(input: PasswordChange, actor: AuditActor, limiter: SignInLimiter = signInLimiter()): Promise<{ sessionsEnded: number }> {
  const { principal } = actor;
  assertHasOwnPassword(principal);
  const user = await db().user.findUnique({ where: { id: principal.id } });
  if (!user || user.disabledAt) throw new UnauthorizedError();
  const reservation = await limiter.reserve(user.email, actor.ip ?? null);
  if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
    throw new ValidationError('The current password is not right', { fieldErrors: { currentPassword: ['is not right'] }, formErrors: [] });
  }
  await limiter.release(reservation);
  const passwordHash = await hashPassword(input.newPassword);
  const [, ended] = await db().$transaction([
    db().user.update({ where: { id: user.id }, data: { passwordHash } }),
    db().session.deleteMany({ where: { userId: user.id, NOT: { id: principal.sessionId } } }),
  ]);
  await recordAudit(actor, { action: 'user.password', targetType: 'user', targetId: user.email, details: { sessionsEnded: ended.count } });
  return { sessionsEnded: ended.count };
}
