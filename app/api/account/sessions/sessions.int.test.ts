/**
 * Your own sessions (GET /api/account/sessions, DELETE /api/account/sessions/:id): listed with
 * the browser in words and last seen, only your own, and ended one at a time: the ended one is
 * refused (401) at once. A sign-in records when, for the admins' users panel.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { apiRequest, createTestApiKey, routeParams } from '@/scripts/test/api-keys.ts';
import { hashPassword } from '@/lib/auth/password.ts';
import { db } from '@/lib/db.ts';
import { queues } from '@/lib/queue/queues.ts';
import { redis } from '@/lib/redis.ts';
import { describeUserAgent, type OwnSessionDto } from '@/lib/users/own-sessions.ts';
import { POST as login } from '../../auth/login/route.ts';
import { GET as listRuns } from '../../runs/route.ts';
import { GET as listUsers } from '../../users/route.ts';
import { DELETE as endSession } from './[id]/route.ts';
import { GET as listSessions } from './route.ts';

useOwnQueuePrefix('account-sessions');
const origin = 'http://localhost:3000';
const none = routeParams({} as Record<string, never>);
const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0';
const chrome = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';
let adminKey: string;

beforeAll(async () => {
  adminKey = await createTestApiKey('admin');
});
afterAll(async () => {
  await queues().close();
  redis().disconnect();
  await db().$disconnect();
});

async function newUser(): Promise<{ id: string; email: string }> {
  const email = `sessions-${randomUUID()}@kickoff.test`;
  return db().user.create({ data: { email, passwordHash: await hashPassword('a-password-1'), role: 'viewer' }, select: { id: true, email: true } });
}

async function signIn(email: string, userAgent: string): Promise<string> {
  const response = await login(
    new Request(`${origin}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin, 'user-agent': userAgent }, body: JSON.stringify({ email, password: 'a-password-1' }) }),
    none,
  );
  expect(response.status).toBe(200);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

const list = async (cookie: string) => (await (await listSessions(new Request(`${origin}/api/account/sessions`, { headers: { cookie } }), none)).json()) as { sessions: OwnSessionDto[] };
const end = (cookie: string, id: string) => endSession(new Request(`${origin}/api/account/sessions/${id}`, { method: 'DELETE', headers: { cookie, origin } }), routeParams({ id }));
const readWith = async (cookie: string) => (await listRuns(new Request(`${origin}/api/runs?limit=1`, { headers: { cookie } }), none)).status;

describe('your own sessions', () => {
  it('lists only yours, in words, marks the current one, and ends another (refused at once)', async () => {
    const user = await newUser();
    const stranger = await newUser();
    const here = await signIn(user.email, firefox);
    const there = await signIn(user.email, chrome);
    await signIn(stranger.email, chrome);
    const { sessions } = await list(here);
    expect(sessions.map((session) => [session.browser, session.current]).sort()).toEqual([
      ['Chrome 142 on Windows', false],
      ['Firefox 132 on Linux', true],
    ]);
    expect(sessions[0]!.id).toMatch(/^[0-9a-f]{16}$/);
    const other = sessions.find((session) => !session.current)!;
    expect(await readWith(there)).toBe(200);
    const ended = await end(here, other.id);
    expect(ended.status).toBe(200);
    expect(await ended.json()).toEqual({ ended: true, current: false });
    expect(await readWith(there)).toBe(401);
    expect(await readWith(here)).toBe(200);
    expect(await db().auditLog.findFirst({ where: { action: 'session.end', targetId: user.email } })).toMatchObject({ actor: user.email });
  });

  it('cannot end someone else\'s session, and refuses an API key, a malformed id and a request from another site', async () => {
    const user = await newUser();
    const stranger = await newUser();
    const here = await signIn(user.email, firefox);
    const theirs = await signIn(stranger.email, chrome);
    const theirId = (await list(theirs)).sessions[0]!.id;
    expect((await end(here, theirId)).status).toBe(404);
    expect(await readWith(theirs)).toBe(200);
    expect((await end(here, 'not-an-id')).status).toBe(404);
    expect((await listSessions(apiRequest('/api/account/sessions', adminKey), none)).status).toBe(403);
    const crossSite = await endSession(new Request(`${origin}/api/account/sessions/${theirId}`, { method: 'DELETE', headers: { cookie: theirs, origin: 'https://evil.example' } }), routeParams({ id: theirId }));
    expect(crossSite.status).toBe(403);
    expect((await listSessions(new Request(`${origin}/api/account/sessions`), none)).status).toBe(401);
  });

  it('ending the current session signs this browser out', async () => {
    const user = await newUser();
    const here = await signIn(user.email, firefox);
    const [current] = (await list(here)).sessions;
    expect(await (await end(here, current!.id)).json()).toEqual({ ended: true, current: true });
    expect(await readWith(here)).toBe(401);
  });

  it('records the last sign-in for the users panel', async () => {
    const user = await newUser();
    const before = Date.now();
    await signIn(user.email, firefox);
    const { users } = (await (await listUsers(apiRequest('/api/users', adminKey), none)).json()) as { users: { email: string; lastSignInAt: string | null }[] };
    expect(new Date(users.find((entry) => entry.email === user.email)!.lastSignInAt!).getTime()).toBeGreaterThanOrEqual(before - 1_000);
  });

  it('puts a user agent in words', () => {
    expect(describeUserAgent(null)).toBe('Unknown browser');
    expect(describeUserAgent('curl/8.5.0')).toMatch(/curl|program/i);
  });
});
