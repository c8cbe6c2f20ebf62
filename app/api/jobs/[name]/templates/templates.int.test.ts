import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest, createTestApiKey, routeParams } from '@/scripts/test/api-keys.ts';
import { db } from '@/lib/db.ts';
import { GET as listTemplates, POST as saveTemplate } from './route.ts';
import { DELETE as deleteTemplate } from './[template]/route.ts';

let operator: string;
let viewer: string;
beforeAll(async () => {
  operator = await createTestApiKey('operator', ['probe']);
  viewer = await createTestApiKey('viewer');
});
afterAll(() => db().$disconnect());
const probe = routeParams({ name: 'probe' });
const json = (response: Response) => response.json() as Promise<Record<string, any>>;

describe('payload templates', () => {
  it('saves a named payload that fits the schema, replaces it by name, lists and deletes it', async () => {
    const save = (body: unknown, key = operator) => saveTemplate(apiRequest('/api/jobs/probe/templates', key, { method: 'POST', body: JSON.stringify(body) }), probe);
    const first = await save({ name: 'slow', payload: { sleepMs: 5000 } });
    expect(first.status).toBe(201);
    await save({ name: 'slow', payload: { sleepMs: 9000 } });
    const bad = await save({ name: 'bad', payload: { steps: 0 } });
    expect(bad.status).toBe(422);
    expect((await json(bad)).error.details.fieldErrors).toHaveProperty(['payload.steps']);
    expect((await save({ name: 'x', payload: {} }, viewer)).status).toBe(403);
    const { templates } = await json(await listTemplates(apiRequest('/api/jobs/probe/templates', viewer), probe));
    const slow = templates.find((template: { name: string }) => template.name === 'slow');
    expect(slow.payload).toEqual({ sleepMs: 9000 });
    expect(templates.some((template: { name: string }) => template.name === 'bad')).toBe(false);
    const removed = await deleteTemplate(apiRequest(`/api/jobs/probe/templates/${slow.id}`, operator, { method: 'DELETE' }), routeParams({ name: 'probe', template: slow.id }));
    expect(removed.status).toBe(200);
    expect((await deleteTemplate(apiRequest(`/api/jobs/probe/templates/${slow.id}`, operator, { method: 'DELETE' }), routeParams({ name: 'probe', template: slow.id }))).status).toBe(404);
    expect((await listTemplates(apiRequest('/api/jobs/nope/templates', viewer), routeParams({ name: 'nope' }))).status).toBe(404);
  });
});
