import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from './env.ts';

describe('parseEnv', () => {
  it('fills every default so a local machine needs no variable', () => {
    const settings = parseEnv({});
    expect(settings.DATABASE_URL).toBe('postgresql://postgres@127.0.0.1:5432/kickoff');
    expect(settings.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(settings.PORT).toBe(3000);
    expect(settings.QUEUE_PREFIX).toBe('{kickoff}');
    expect(settings.BOOTSTRAP_API_KEY).toBeUndefined();
  });

  it('names each malformed variable and the expected form', () => {
    let error: unknown;
    try {
      parseEnv({ DATABASE_URL: 'mysql://x', PORT: 'eighty', REDIS_URL: 'not a url' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EnvError);
    const message = (error as EnvError).message;
    expect(message).toMatch(/DATABASE_URL: expected a postgres: or postgresql: URL/);
    expect(message).toMatch(/PORT: expected a port number/);
    expect(message).toMatch(/REDIS_URL: expected a redis: or rediss: URL/);
    expect((error as EnvError).problems).toHaveLength(3);
  });

  it('treats an empty variable as unset', () => {
    expect(parseEnv({ BOOTSTRAP_ADMIN_PASSWORD: '', PORT: '' }).PORT).toBe(3000);
  });

  it('refuses a short bootstrap API key', () => {
    expect(() => parseEnv({ BOOTSTRAP_API_KEY: 'short' })).toThrow(/BOOTSTRAP_API_KEY: expected at least 16 characters/);
  });
});

describe('parseEnv errors', () => {
  it('never prints a secret or the password inside a URL', () => {
    let message = '';
    try {
      parseEnv({ DATABASE_URL: 'mysql://bob:hunter2@db/x', BOOTSTRAP_API_KEY: 'short-secret' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('mysql://bob:***@db/x');
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('short-secret');
  });
});
