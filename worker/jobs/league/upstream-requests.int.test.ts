/**
 * The specification's API retry strategy (Letletme, Configuration Management:
 * hybrid.error.retryStrategies.api, 5 attempts, exponential) as the league's hybrid jobs make
 * their upstream requests (upstream-requests.ts), against the upstream simulator on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUpstreamError, UpstreamClient } from '@/lib/league/upstream-client.ts';
import { redis } from '@/lib/redis.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { createUpstreamServer } from '@/scripts/upstream/server.ts';
import { requestAttempts, UpstreamRequests } from './upstream-requests.ts';

useOwnQueuePrefix('upstream-requests');
const upstream = createUpstreamServer({ entries: 50, speed: 0 });
let baseUrl = '';
beforeAll(async () => {
  baseUrl = `http://127.0.0.1:${await upstream.listen(0)}`;
});
afterAll(async () => {
  await upstream.close();
  redis().disconnect();
});

const faults = async (body: unknown) => {
  const response = await fetch(`${baseUrl}/admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.ok).toBe(true);
};

function requestsFor() {
  const counts: Record<string, number> = {};
  const ctx = { signal: new AbortController().signal, count: (name: string, n = 1) => void (counts[name] = (counts[name] ?? 0) + n) };
  return { counts, requests: new UpstreamRequests(new UpstreamClient({ baseUrl }), ctx, 10_000) };
}

describe('upstream requests of the hybrid jobs', () => {
  it('try a request that keeps failing 5 times in all, with exponential waits, then give up with its error', async () => {
    expect(requestAttempts).toBe(5);
    await faults({ errorRate: 1 });
    const { counts, requests } = requestsFor();
    const before = upstream.state.requests.byRoute.entry ?? 0;
    const began = Date.now();
    const error = await requests.forItem()((client, options) => client.entry(1, options)).catch((e: unknown) => e);
    const tookMs = Date.now() - began;
    expect(isUpstreamError(error) && error.code === 'server_error').toBe(true);
    expect((upstream.state.requests.byRoute.entry ?? 0) - before).toBe(5);
    expect(counts).toEqual({ apiRequests: 5 });
    // waits of 100, 200, 400 and 800 ms between the five
    expect(tookMs).toBeGreaterThanOrEqual(1_500);
  });

  it('do not try again what cannot pass: a 404 is one request', async () => {
    await faults({ errorRate: 0, notFoundEntries: [7] });
    const { counts, requests } = requestsFor();
    const error = await requests.forItem()((client, options) => client.entry(7, options)).catch((e: unknown) => e);
    expect(isUpstreamError(error) && error.status === 404).toBe(true);
    expect(counts).toEqual({ apiRequests: 1 });
    expect((await requests.forItem()((client, options) => client.entry(8, options))).id).toBe(8);
  });
});
