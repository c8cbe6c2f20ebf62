import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from '../env.ts';
import { internalApiBase, internalApiKey, isInternalKey } from './internal-key.ts';

const secret = 'a-session-secret-of-some-length';

describe('the internal key', () => {
  it('is derived from SESSION_SECRET when INTERNAL_API_KEY is unset, so the web app and the worker agree', () => {
    const settings = parseEnv({ SESSION_SECRET: secret });
    expect(internalApiKey(settings)).toBe(createHash('sha256').update(`kickoff-internal:${secret}`).digest('hex'));
    expect(internalApiKey(parseEnv({ SESSION_SECRET: `${secret}!` }))).not.toBe(internalApiKey(settings));
  });

  it('is INTERNAL_API_KEY when set, which must be at least 16 characters', () => {
    expect(internalApiKey(parseEnv({ SESSION_SECRET: secret, INTERNAL_API_KEY: 'k'.repeat(16) }))).toBe('k'.repeat(16));
    expect(() => parseEnv({ INTERNAL_API_KEY: 'short' })).toThrow(EnvError);
  });

  it('accepts only the exact key', () => {
    const settings = parseEnv({ SESSION_SECRET: secret });
    const key = internalApiKey(settings);
    expect(isInternalKey(key, settings)).toBe(true);
    expect(isInternalKey(`${key}x`, settings)).toBe(false);
    expect(isInternalKey(key.slice(1), settings)).toBe(false);
    expect(isInternalKey('', settings)).toBe(false);
    expect(isInternalKey(null, settings)).toBe(false);
  });

  it('is sent to PUBLIC_URL, else to the app port on this machine', () => {
    expect(internalApiBase(parseEnv({ PORT: '3123' }))).toBe('http://127.0.0.1:3123');
    expect(internalApiBase(parseEnv({ PUBLIC_URL: 'https://kickoff.example/' }))).toBe('https://kickoff.example');
  });
});
