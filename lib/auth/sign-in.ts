import { randomBytes } from 'node:crypto';
import { db } from '../db.ts';
import { UnauthorizedError } from '../errors.ts';
import type { SignInInput } from '../validations/auth.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { sessionTtlMs } from './principal.ts';
import { signInLimiter, type SignInLimiter } from './sign-in-limiter.ts';
import { hashToken, newSessionToken } from './tokens.ts';

export interface SignedIn {
  token: string;
  expiresAt: Date;
  user: { id: string; email: string; role: string };
}

let dummyHash: Promise<string> | undefined;

/**
 * A hash of a random password with the real parameters: an unknown or disabled account is
 * checked against it, so it costs the same scrypt time as a known one and the answer's timing
 * does not tell them apart.
 */
function hashForNobody(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(18).toString('base64url'));
  return dummyHash;
}

/**
 * Checks a password and opens a session. The attempt is counted before the check (per
 * account and per client address, see SignInLimiter); every refusal reads the same whether
 * the account exists, is disabled, or the password is wrong.
 */
export async function signIn(
  input: SignInInput,
  meta: { ip: string | null; userAgent: string | null },
  limiter: SignInLimiter = signInLimiter(),
): Promise<SignedIn> {
  const reservation = await limiter.reserve(input.email, meta.ip);
  const user = await db().user.findUnique({ where: { email: input.email } });
  const usable = user && !user.disabledAt ? user : null;
  const valid = await verifyPassword(input.password, usable?.passwordHash ?? (await hashForNobody()));
  if (!usable || !valid) throw new UnauthorizedError('The email or password is not right');
  await limiter.release(reservation);
  const token = newSessionToken();
  const expiresAt = new Date(Date.now() + sessionTtlMs);
  await db().$transaction([
    db().session.create({ data: { id: hashToken(token), userId: usable.id, expiresAt, ip: meta.ip, userAgent: meta.userAgent?.slice(0, 300) ?? null } }),
    db().user.update({ where: { id: usable.id }, data: { lastSignInAt: new Date() } }),
  ]);
  return { token, expiresAt, user: { id: usable.id, email: usable.email, role: usable.role } };
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
