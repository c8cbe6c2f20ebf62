import type { Db } from '../db.ts';
import type { Env } from '../env.ts';
import { generatePassword, hashPassword } from './password.ts';
import { apiKeyPrefix, hashToken } from './tokens.ts';

export interface BootstrapResult {
  /** Set only when the admin was created just now with a generated password: print it once. */
  generatedPassword?: string;
  adminCreated: boolean;
  apiKeyCreated: boolean;
}

/**
 * Creates the first admin (BOOTSTRAP_ADMIN_EMAIL) and the scripts' API key
 * (BOOTSTRAP_API_KEY) when they do not exist. Safe to run at every start.
 */
export async function bootstrapAccess(db: Db, settings: Env): Promise<BootstrapResult> {
  const result: BootstrapResult = { adminCreated: false, apiKeyCreated: false };
  const email = settings.BOOTSTRAP_ADMIN_EMAIL.toLowerCase();
  const existing = await db.user.findUnique({ where: { email } });
  if (!existing) {
    const password = settings.BOOTSTRAP_ADMIN_PASSWORD ?? generatePassword();
    await db.user.create({ data: { email, name: 'Admin', role: 'admin', passwordHash: await hashPassword(password) } });
    result.adminCreated = true;
    if (!settings.BOOTSTRAP_ADMIN_PASSWORD) result.generatedPassword = password;
    await db.auditLog.create({
      data: { actorType: 'system', actor: 'bootstrap', action: 'user.create', targetType: 'user', targetId: email, after: { email, role: 'admin' } },
    });
  }
  if (settings.BOOTSTRAP_API_KEY) {
    const keyHash = hashToken(settings.BOOTSTRAP_API_KEY);
    const key = await db.apiKey.findUnique({ where: { keyHash } });
    if (!key) {
      await db.apiKey.create({
        data: { name: 'bootstrap', prefix: apiKeyPrefix(settings.BOOTSTRAP_API_KEY), keyHash, role: 'admin', createdBy: 'bootstrap' },
      });
      result.apiKeyCreated = true;
      await db.auditLog.create({
        data: { actorType: 'system', actor: 'bootstrap', action: 'apiKey.create', targetType: 'apiKey', targetId: 'bootstrap', after: { name: 'bootstrap', role: 'admin' } },
      });
    }
  }
  return result;
}
