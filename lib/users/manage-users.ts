import type { z } from 'zod';
import type { User } from '@/generated/prisma/client.ts';
import { recordAudit, type AuditActor } from '../audit.ts';
import { hashPassword } from '../auth/password.ts';
import { signInLimiter } from '../auth/sign-in-limiter.ts';
import { apiKeyPrefix, hashToken, newApiKey } from '../auth/tokens.ts';
import { db, Prisma } from '../db.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { createApiKeySchema, createUserSchema, updateUserSchema } from '../validations/users.ts';

export interface UserDto {
  id: string;
  email: string;
  name: string;
  role: string;
  grants: string[];
  disabled: boolean;
  /** The Telegram chat linked to this user, where the bot answers /status and /failed. */
  telegramChatId: string | null;
  /** When a lock after failed sign-ins ends (see SignInLimiter), or null. */
  lockedUntil: string | null;
  /** When they last signed in, or null if never. */
  lastSignInAt: string | null;
  createdAt: string;
}

const toUserDto = (user: User, lockedUntil: Date | null): UserDto => ({
  id: user.id,
  email: user.email,
  name: user.name,
  role: user.role,
  grants: (user.grants as string[]) ?? [],
  disabled: Boolean(user.disabledAt),
  telegramChatId: user.telegramChatId,
  lockedUntil: lockedUntil?.toISOString() ?? null,
  lastSignInAt: user.lastSignInAt?.toISOString() ?? null,
  createdAt: user.createdAt.toISOString(),
});

export async function listUsers(): Promise<UserDto[]> {
  const users = await db().user.findMany({ orderBy: { email: 'asc' } });
  return Promise.all(users.map(async (user) => toUserDto(user, await signInLimiter().lockedUntil(user.email))));
}

export async function createUser(input: z.output<typeof createUserSchema>, actor: AuditActor): Promise<UserDto> {
  try {
    const user = await db().user.create({
      data: { email: input.email, name: input.name, role: input.role, grants: input.grants, passwordHash: await hashPassword(input.password) },
    });
    await recordAudit(actor, { action: 'user.create', targetType: 'user', targetId: user.email, after: { role: user.role, grants: input.grants } });
    return toUserDto(user, null);
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      throw new ConflictError('email_taken', `A user with the email ${input.email} exists already`);
    }
    throw error;
  }
}

export async function updateUser(id: string, patch: z.output<typeof updateUserSchema>, actor: AuditActor): Promise<UserDto> {
  const user = await db().user.findUnique({ where: { id } });
  if (!user) throw new NotFoundError('User', id);
  if (user.id === actor.principal.id && (patch.disabled || (patch.role && patch.role !== 'admin'))) {
    throw new ConflictError('self_lockout', 'You cannot disable yourself or take away your own admin role');
  }
  const data = {
    ...(patch.role ? { role: patch.role } : {}),
    ...(patch.grants ? { grants: patch.grants } : {}),
    ...(patch.disabled !== undefined ? { disabledAt: patch.disabled ? new Date() : null } : {}),
    ...(patch.password ? { passwordHash: await hashPassword(patch.password) } : {}),
    ...(patch.telegramChatId !== undefined ? { telegramChatId: patch.telegramChatId } : {}),
  };
  const updated = await db()
    .user.update({ where: { id }, data })
    .catch((error: unknown) => {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw new ConflictError('chat_linked', `Telegram chat ${patch.telegramChatId} is linked to another user already`);
      }
      throw error;
    });
  // Disabling ends every session of the user; a new password ends every other one (an admin
  // changing their own keeps the session they did it from).
  if (patch.disabled) await db().session.deleteMany({ where: { userId: id } });
  else if (patch.password) await db().session.deleteMany({ where: { userId: id, ...(actor.principal.sessionId ? { NOT: { id: actor.principal.sessionId } } : {}) } });
  if (patch.password) await signInLimiter().clear(user.email);
  const before = { role: user.role, grants: user.grants, disabled: Boolean(user.disabledAt), telegramChatId: user.telegramChatId };
  const after = { role: updated.role, grants: updated.grants, disabled: Boolean(updated.disabledAt), telegramChatId: updated.telegramChatId, ...(patch.password ? { password: 'changed' } : {}) };
  await recordAudit(actor, { action: 'user.update', targetType: 'user', targetId: user.email, before, after });
  return toUserDto(updated, await signInLimiter().lockedUntil(updated.email));
}

export interface ApiKeyDto {
  id: string;
  name: string;
  prefix: string;
  role: string;
  grants: string[];
  createdBy: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export async function listApiKeys(): Promise<ApiKeyDto[]> {
  const keys = await db().apiKey.findMany({ orderBy: { createdAt: 'desc' } });
  return keys.map((key) => ({
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    role: key.role,
    grants: (key.grants as string[]) ?? [],
    createdBy: key.createdBy,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  }));
}

/** Creates a key and returns it once; only its hash is kept. */
export async function createApiKey(input: z.output<typeof createApiKeySchema>, actor: AuditActor): Promise<{ key: string; apiKey: ApiKeyDto }> {
  const key = newApiKey();
  const row = await db().apiKey.create({ data: { name: input.name, prefix: apiKeyPrefix(key), keyHash: hashToken(key), role: input.role, grants: input.grants, createdBy: actor.principal.label } });
  await recordAudit(actor, { action: 'apiKey.create', targetType: 'apiKey', targetId: row.id, after: { name: row.name, role: row.role, grants: input.grants } });
  return { key, apiKey: (await listApiKeys()).find((entry) => entry.id === row.id)! };
}

export async function revokeApiKey(id: string, actor: AuditActor): Promise<void> {
  const key = await db().apiKey.findUnique({ where: { id } });
  if (!key) throw new NotFoundError('API key', id);
  if (key.revokedAt) throw new ConflictError('already_revoked', `API key "${key.name}" is revoked already`);
  await db().apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
  await recordAudit(actor, { action: 'apiKey.revoke', targetType: 'apiKey', targetId: id, before: { revoked: false }, after: { revoked: true }, details: { name: key.name } });
}
