import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest, createTestApiKey, routeParams } from '@/scripts/test/api-keys.ts';
import { db } from '@/lib/db.ts';
import { GET as listUsers, POST as createUser } from './route.ts';
import { PATCH as updateUser } from './[id]/route.ts';
import { GET as listKeys, POST as createKey } from '../api-keys/route.ts';
import { DELETE as revokeKey } from '../api-keys/[id]/route.ts';
import { GET as listRuns } from '../runs/route.ts';

let admin: string;
const none = routeParams({} as Record<string, never>);
beforeAll(async () => {
  admin = await createTestApiKey('admin');
});
afterAll(() => db().$disconnect());
const json = (response: Response) => response.json() as Promise<Record<string, any>>;

describe('users', () => {
  it('creates a user with a hashed password, refuses a duplicate and a weak password, changes the role, disables', async () => {
    const email = `ops-${Date.now()}@kickoff.test`;
    const body = { email, role: 'operator', grants: ['probe', 'category:stats'], password: 'long-enough-password' };
    const created = await createUser(apiRequest('/api/users', admin, { method: 'POST', body: JSON.stringify(body) }), none);
    expect(created.status).toBe(201);
    const { user } = await json(created);
    expect(user).toMatchObject({ email, role: 'operator', grants: ['probe', 'category:stats'], disabled: false });
    expect((await db().user.findUniqueOrThrow({ where: { email } })).passwordHash).toMatch(/^scrypt\$/);
    expect((await createUser(apiRequest('/api/users', admin, { method: 'POST', body: JSON.stringify(body) }), none)).status).toBe(409);
    const weak = await createUser(apiRequest('/api/users', admin, { method: 'POST', body: JSON.stringify({ ...body, email: `x${email}`, password: 'short' }) }), none);
    expect(weak.status).toBe(422);
    expect((await json(weak)).error.details.fieldErrors).toHaveProperty('password');
    const changed = await updateUser(apiRequest(`/api/users/${user.id}`, admin, { method: 'PATCH', body: JSON.stringify({ role: 'viewer', disabled: true }) }), routeParams({ id: user.id }));
    expect((await json(changed)).user).toMatchObject({ role: 'viewer', disabled: true });
    const listed = await json(await listUsers(apiRequest('/api/users', admin), none));
    expect(listed.users.map((entry: { email: string }) => entry.email)).toContain(email);
    expect(await db().auditLog.count({ where: { targetId: email, action: { in: ['user.create', 'user.update'] } } })).toBe(2);
    expect((await updateUser(apiRequest('/api/users/nope', admin, { method: 'PATCH', body: JSON.stringify({ role: 'viewer' }) }), routeParams({ id: 'nope' }))).status).toBe(404);
  });
});

describe('API keys', () => {
  it('links a Telegram chat to a user, refuses a bad id and a chat linked to someone else, and unlinks', async () => {
    const make = async (name: string) => (await json(await createUser(apiRequest('/api/users', admin, { method: 'POST', body: JSON.stringify({ email: `${name}-${Date.now()}@kickoff.test`, role: 'operator', password: 'long-enough-password' }) }), none))).user as { id: string };
    const [ann, bob] = [await make('ann'), await make('bob')];
    const patch = (id: string, body: unknown) => updateUser(apiRequest(`/api/users/${id}`, admin, { method: 'PATCH', body: JSON.stringify(body) }), routeParams({ id }));
    const chat = String(-Date.now());
    const linked = await patch(ann.id, { telegramChatId: chat });
    expect(linked.status).toBe(200);
    expect((await json(linked)).user.telegramChatId).toBe(chat);
    const bad = await patch(ann.id, { telegramChatId: 'my chat' });
    expect(bad.status).toBe(422);
    expect((await json(bad)).error.details.fieldErrors.telegramChatId).toBeDefined();
    const taken = await patch(bob.id, { telegramChatId: chat });
    expect(taken.status).toBe(409);
    expect((await json(taken)).error.code).toBe('chat_linked');
    expect((await json(await patch(ann.id, { telegramChatId: '' }))).user.telegramChatId).toBeNull();
    expect((await patch(bob.id, { telegramChatId: chat })).status).toBe(200);
  });

  it('shows a new key once, lists it by prefix, and a revoked key no longer authenticates', async () => {
    const created = await createKey(apiRequest('/api/api-keys', admin, { method: 'POST', body: JSON.stringify({ name: 'deploy bot', role: 'viewer' }) }), none);
    expect(created.status).toBe(201);
    const { key, apiKey } = await json(created);
    expect(key).toMatch(/^kk_/);
    expect(key.startsWith(apiKey.prefix)).toBe(true);
    const listed = await json(await listKeys(apiRequest('/api/api-keys', admin), none));
    expect(JSON.stringify(listed)).not.toContain(key);
    expect((await listRuns(apiRequest('/api/runs', key), none)).status).toBe(200);
    expect((await revokeKey(apiRequest(`/api/api-keys/${apiKey.id}`, admin, { method: 'DELETE' }), routeParams({ id: apiKey.id }))).status).toBe(200);
    expect((await listRuns(apiRequest('/api/runs', key), none)).status).toBe(401);
    expect((await revokeKey(apiRequest(`/api/api-keys/${apiKey.id}`, admin, { method: 'DELETE' }), routeParams({ id: apiKey.id }))).status).toBe(409);
  });
});
