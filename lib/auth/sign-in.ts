import { db } from '../db.ts';
import { RateLimitedError, UnauthorizedError } from '../errors.ts';
import type { SignInInput } from '../validations/auth.ts';
import { verifyPassword } from './password.ts';
import { sessionTtlMs } from './principal.ts';
import { hashToken, newSessionToken } from './tokens.ts';

/** Failed sign-ins in a row before an account locks, and for how long. */
export const lockout = { maxFailures: 5, lockMs: 15 * 60_000 };

export interface SignedIn {
  token: string;
  expiresAt: Date;
  user: { id: string; email: string; role: string };
}

/** Checks a password and opens a session. Repeated failures lock the account for a while. */
export async function signIn(input: SignInInput, meta: { ip: string | null; userAgent: string | null }): Promise<SignedIn> {
  const user = await db().user.findUnique({ where: { email: input.email } });
  if (user?.lockedUntil && user.lockedUntil.getTime() > Date.now()) {
    throw new RateLimitedError('Too many failed sign-ins; try again later', Math.ceil((user.lockedUntil.getTime() - Date.now()) / 1000));
  }
  const valid = user && !user.disabledAt ? await verifyPassword(input.password, user.passwordHash) : false;
  if (!user || !valid) {
    if (user) {
      const failures = user.failedLogins + 1;
      await db().user.update({
        where: { id: user.id },
        data: { failedLogins: failures, lockedUntil: failures >= lockout.maxFailures ? new Date(Date.now() + lockout.lockMs) : null },
      });
    }
    throw new UnauthorizedError('The email or password is not right');
  }
  if (user.failedLogins > 0) await db().user.update({ where: { id: user.id }, data: { failedLogins: 0, lockedUntil: null } });
  const token = newSessionToken();
  const expiresAt = new Date(Date.now() + sessionTtlMs);
  await db().session.create({ data: { id: hashToken(token), userId: user.id, expiresAt, ip: meta.ip, userAgent: meta.userAgent?.slice(0, 300) } });
  return { token, expiresAt, user: { id: user.id, email: user.email, role: user.role } };
}

export async function signOut(token: string): Promise<void> {
  await db().session.deleteMany({ where: { id: hashToken(token) } });
}

/** The Set-Cookie value for a session (or for clearing it when `token` is empty). */
export function sessionCookie(name: string, token: string, expiresAt: Date, secure: boolean): string {
  const parts = [`${name}=${encodeURIComponent(token)}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Expires=${expiresAt.toUTCString()}`];
  if (secure) parts.push('Secure');
  return parts.join('; ');
}
