/**
 * POST /api/internal/cache/invalidate: only Kickoff's own processes (the internal key) may
 * call it. In a vitest process there is no Next.js request around the handler, so Next's
 * revalidateTag refuses every tag; the route reports each refusal in `failed` (the
 * revalidation itself is checked end to end against a running app elsewhere).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { apiRequest, createTestApiKey, routeParams } from '@/scripts/test/api-keys.ts';
import { internalApiKey, internalKeyHeader } from '@/lib/api/internal-key.ts';
import { db } from '@/lib/db.ts';
import type { CacheInvalidateResult } from '@/lib/validations/cache.ts';
import { POST } from './route.ts';

afterAll(async () => {
  await db().$disconnect();
});

function invalidate(body: unknown, headers: Record<string, string> = { [internalKeyHeader]: internalApiKey(), 'content-type': 'application/json' }) {
  return POST(
    new Request('http://localhost:3000/api/internal/cache/invalidate', { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) }),
    routeParams({}),
  );
}

const errorOf = async (response: Response) => ((await response.json()) as { error: { code: string; message: string; details?: { fieldErrors: Record<string, string[]> } } }).error;

describe('POST /api/internal/cache/invalidate', () => {
  it('answers 401 without the internal key or with a wrong one', async () => {
    const missing = await invalidate({ tags: ['stats:season'] }, {});
    expect(missing.status).toBe(401);
    expect((await errorOf(missing)).code).toBe('unauthorized');
    const wrong = await invalidate({ tags: ['stats:season'] }, { [internalKeyHeader]: `${internalApiKey()}0` });
    expect(wrong.status).toBe(401);
    expect((await errorOf(wrong)).code).toBe('unauthorized');
  });

  it('answers 403 to a valid API key without the internal key: even an admin is not Kickoff itself', async () => {
    const admin = await createTestApiKey('admin');
    const response = await POST(apiRequest('/api/internal/cache/invalidate', admin, { method: 'POST', body: JSON.stringify({ tags: ['stats:season'] }) }), routeParams({}));
    expect(response.status).toBe(403);
    expect((await errorOf(response)).code).toBe('forbidden');
  });

  it('answers 422 for a body that is not 1–100 well-formed tags, and 400 for malformed JSON', async () => {
    for (const body of [{}, { tags: [] }, { tags: ['Stats:Season'] }, { tags: ['stats season'] }, { tags: Array.from({ length: 101 }, (_, i) => `t${i}`) }, { tags: ['ok'], extra: 1 }]) {
      const response = await invalidate(body);
      expect(response.status, JSON.stringify(body).slice(0, 60)).toBe(422);
      expect((await errorOf(response)).code).toBe('validation_failed');
    }
    const field = await errorOf(await invalidate({ tags: ['ok', 'NOT OK'] }));
    expect(Object.keys(field.details!.fieldErrors)).toEqual(['tags.1']);
    expect((await invalidate('{"tags":')).status).toBe(400);
  });

  it('answers 200 with every tag either revalidated or failed with its reason', async () => {
    const response = await invalidate({ tags: ['stats:season', 'stats:all-time', 'stats:season'] });
    expect(response.status).toBe(200);
    const body = (await response.json()) as CacheInvalidateResult;
    expect([...body.revalidated, ...body.failed.map((failure) => failure.tag)].sort()).toEqual(['stats:all-time', 'stats:season']);
    for (const failure of body.failed) expect(failure.error).toEqual(expect.any(String));
    // Outside a Next.js request Next refuses; inside one (the running app) these are revalidated.
    console.log('revalidateTag in vitest:', JSON.stringify(body));
  });
});
