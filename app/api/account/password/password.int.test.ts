/**
 * A new password ends the other sessions: a person changing their own (POST
 * /api/account/password) keeps the session they did it from, and an admin setting one
 * (PATCH /api/users/:id) ends all of the user's. The old sessions are refused (401) at once.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { apiRequest, createTestApiKey, routeParams } from '@/scripts/test/api-keys.ts';
import { hashPassword } from '@/lib/auth/password.ts';
import { db } from '@/lib/db.ts';
import { queues } from '@/lib/queue/queues.ts';
import { redis } from '@/lib/redis.ts';
import { POST as login } from '../../auth/login/route.ts';
import { GET as listRuns } from '../../runs/route.ts';
import { PATCH as updateUser } from '../../users/[id]/route.ts';
import { POST as changePassword } from './route.ts';

useOwnQueuePrefix('account-password');
const origin = 'http://localhost:3000';
const none = routeParams({} as Record<string, never>);
let adminKey: string;

beforeAll(async () => {
  adminKey = await createTestApiKey('admin');
});
afterAll(async () => {
  await queues().close();
  redis().disconnect();
  await db().$disconnect();
});

async function newUser(password: string): Promise<{ id: string; email: string }> {
  const email = `password-${randomUUID()}@kickoff.test`;
  return db().user.create({ data: { email, passwordHash: await hashPassword(password), role: 'operator' }, select: { id: true, email: true } });
}

/** Signs in through the route, as the sign-in page does; returns the Cookie header of the new session. */
async function signIn(email: string, password: string): Promise<string> {
  const response = await login(new Request(`${origin}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify({ email, password }) }), none);
  expect(response.status, `sign-in of ${email}`).toBe(200);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

const signInStatus = async (email: string, password: string) =>
  (await login(new Request(`${origin}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify({ email, password }) }), none)).status;

/** A read with a session cookie: 200 while the session holds, 401 once it has ended. */
const readWith = async (cookie: string) => (await listRuns(new Request(`${origin}/api/runs?limit=1`, { headers: { cookie } }), none)).status;

const change = (cookie: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json', origin }) =>
  changePassword(new Request(`${origin}/api/account/password`, { method: 'POST', headers: { cookie, ...headers }, body: JSON.stringify(body) }), none);

describe('changing your own password', () => {
  it('ends your other sessions (refused with 401 from then on) and keeps the one you changed it from', async () => {
    const user = await newUser('first-password-1');
    const here = await signIn(user.email, 'first-password-1');
    const elsewhere = await signIn(user.email, 'first-password-1');
    expect(await readWith(elsewhere)).toBe(200);
    const response = await change(here, { currentPassword: 'first-password-1', newPassword: 'second-password-2' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sessionsEnded: 1 });
    expect(await readWith(elsewhere)).toBe(401);
    expect(await readWith(here)).toBe(200);
    expect(await signInStatus(user.email, 'first-password-1')).toBe(401);
    expect(await signInStatus(user.email, 'second-password-2')).toBe(200);
    expect(await db().auditLog.findFirst({ where: { action: 'user.password', targetId: user.email } })).toMatchObject({ actor: user.email, details: { sessionsEnded: 1 } });
  });

  it('refuses a wrong current password (422) and counts it like a failed sign-in', async () => {
    const user = await newUser('first-password-1');
    const here = await signIn(user.email, 'first-password-1');
    const statuses: number[] = [];
    for (let index = 0; index < 6; index += 1) statuses.push((await change(here, { currentPassword: 'not-it', newPassword: 'second-password-2' })).status);
    expect(statuses).toEqual([422, 422, 422, 422, 422, 429]);
    expect(await signInStatus(user.email, 'first-password-1')).toBe(429);
    expect(await readWith(here)).toBe(200);
  });

  it('refuses an API key (it has no password), a body that is not JSON, and a request from another site', async () => {
    const user = await newUser('first-password-1');
    const here = await signIn(user.email, 'first-password-1');
    const body = { currentPassword: 'first-password-1', newPassword: 'second-password-2' };
    const byKey = await changePassword(apiRequest('/api/account/password', adminKey, { method: 'POST', body: JSON.stringify(body) }), none);
    expect(byKey.status).toBe(403);
    expect((await change(here, body, { 'content-type': 'text/plain', origin })).status).toBe(415);
    expect((await change(here, body, { 'content-type': 'application/json', origin: 'https://evil.example' })).status).toBe(403);
    expect((await change(here, body, { 'content-type': 'application/json' })).status).toBe(403);
    expect((await change(here, { currentPassword: 'first-password-1', newPassword: 'short' })).status).toBe(422);
    expect(await signInStatus(user.email, 'first-password-1')).toBe(200);
  });
});

describe('an admin setting a user\'s password', () => {
  it('ends every session of that user', async () => {
    const user = await newUser('first-password-1');
    const sessions = [await signIn(user.email, 'first-password-1'), await signIn(user.email, 'first-password-1')];
    for (const cookie of sessions) expect(await readWith(cookie)).toBe(200);
    const response = await updateUser(apiRequest(`/api/users/${user.id}`, adminKey, { method: 'PATCH', body: JSON.stringify({ password: 'set-by-admin-3' }) }), routeParams({ id: user.id }));
    expect(response.status).toBe(200);
    for (const cookie of sessions) expect(await readWith(cookie)).toBe(401);
    expect(await db().session.count({ where: { userId: user.id } })).toBe(0);
    expect(await signInStatus(user.email, 'set-by-admin-3')).toBe(200);
  });

  it('keeps the admin\'s own session when they set their own password through the users route', async () => {
    const admin = await db().user.create({ data: { email: `admin-${randomUUID()}@kickoff.test`, passwordHash: await hashPassword('admin-password-1'), role: 'admin' } });
    const here = await signIn(admin.email, 'admin-password-1');
    const elsewhere = await signIn(admin.email, 'admin-password-1');
    const response = await updateUser(
      new Request(`${origin}/api/users/${admin.id}`, { method: 'PATCH', headers: { cookie: here, 'content-type': 'application/json', origin }, body: JSON.stringify({ password: 'admin-password-2' }) }),
      routeParams({ id: admin.id }),
    );
    expect(response.status).toBe(200);
    expect(await readWith(here)).toBe(200);
    expect(await readWith(elsewhere)).toBe(401);
  });

  it('lifts a sign-in lock with the new password', async () => {
    const user = await newUser('first-password-1');
    for (let index = 0; index < 5; index += 1) expect(await signInStatus(user.email, 'wrong')).toBe(401);
    expect(await signInStatus(user.email, 'first-password-1')).toBe(429);
    const listed = (await (await (await import('../../users/route.ts')).GET(apiRequest('/api/users', adminKey), none)).json()) as { users: { email: string; lockedUntil: string | null }[] };
    expect(listed.users.find((entry) => entry.email === user.email)?.lockedUntil).not.toBeNull();
    await updateUser(apiRequest(`/api/users/${user.id}`, adminKey, { method: 'PATCH', body: JSON.stringify({ password: 'set-by-admin-3' }) }), routeParams({ id: user.id }));
    expect(await signInStatus(user.email, 'set-by-admin-3')).toBe(200);
  });
});
