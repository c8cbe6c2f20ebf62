import { createHmac, randomBytes } from 'node:crypto';
import { env } from '../env.ts';

/**
 * Session tokens and API keys are random; only their keyed hashes are stored, so a copy of
 * the database signs nobody in.
 */
export function hashToken(token: string): string {
  return createHmac('sha256', env().SESSION_SECRET).update(token).digest('hex');
}

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** API keys read `kk_<random>`; the prefix makes a leaked key easy to spot in logs and scanners. */
export function newApiKey(): string {
  return `kk_${randomBytes(24).toString('base64url')}`;
}

/** The part of a key safe to show next to it in lists. */
export function apiKeyPrefix(key: string): string {
  return key.slice(0, 7);
}
