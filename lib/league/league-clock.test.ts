import { afterEach, describe, expect, it } from 'vitest';
import { createUpstreamServer, type UpstreamServer } from '@/scripts/upstream/server.ts';
import { LeagueClock } from './league-clock.ts';

let upstream: UpstreamServer | undefined;
afterEach(async () => {
  await upstream?.close();
  upstream = undefined;
});

describe('league clock', () => {
  it('tells the simulator’s time, follows its clock when it moves, and extrapolates by its speed', async () => {
    upstream = createUpstreamServer({ entries: 50, speed: 0, startAt: '2026-08-22T14:05:00Z' });
    const baseUrl = `http://127.0.0.1:${await upstream.listen(0)}`;
    const clock = new LeagueClock({ baseUrl, maxAgeMs: 0 });
    expect((await clock.now()).toISOString()).toBe('2026-08-22T14:05:00.000Z');

    upstream.state.setClock(Date.parse('2026-08-23T18:00:00Z'), 3_600);
    const moved = (await clock.now()).getTime();
    expect(moved).toBeGreaterThanOrEqual(Date.parse('2026-08-23T18:00:00Z'));
    // An hour a real second: a cached reading runs on at that speed.
    const cached = new LeagueClock({ baseUrl, maxAgeMs: 60_000 });
    const first = (await cached.now()).getTime();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await cached.now()).getTime() - first).toBeGreaterThanOrEqual(50 * 3_600 * 0.9);
  });

  it('is the wall clock against an upstream that keeps no time of its own, and when nothing answers', async () => {
    const noTime = (async () => new Response('{"detail":"Not found."}', { status: 404 })) as typeof fetch;
    const real = new LeagueClock({ baseUrl: 'http://upstream.invalid', fetch: noTime });
    expect(Math.abs((await real.now()).getTime() - Date.now())).toBeLessThan(1_000);
    const down = new LeagueClock({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 500 });
    expect(Math.abs((await down.now()).getTime() - Date.now())).toBeLessThan(1_000);
  });
});
