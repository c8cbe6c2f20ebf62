import { describe, expect, it } from 'vitest';
import { applyHttpConventions, bodyBytesHeader } from './http-conventions.ts';

const small = { ok: true };
const apply = (response: Response, authenticated = true) => applyHttpConventions(new Request('http://localhost/api/x'), response, { requestId: 'req-1', authenticated });

describe('caching and the request id', () => {
  it('marks authenticated answers private, no-store and varying by credentials and encoding', async () => {
    const response = await apply(Response.json(small));
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    expect(response.headers.get('vary')).toBe('Authorization, Cookie, Accept-Encoding');
    expect(response.headers.get('x-request-id')).toBe('req-1');
    expect(await response.json()).toEqual(small);
  });

  it('keeps a Cache-Control the route chose, and makes public answers no-store unless they chose', async () => {
    expect((await apply(Response.json(small, { headers: { 'Cache-Control': 'no-store' } }))).headers.get('cache-control')).toBe('no-store');
    expect((await apply(Response.json(small), false)).headers.get('cache-control')).toBe('no-store');
    expect((await apply(Response.json(small, { headers: { 'Cache-Control': 'public, max-age=300' } }), false)).headers.get('cache-control')).toBe('public, max-age=300');
  });

  it('keeps status, other headers and every Set-Cookie', async () => {
    const headers = new Headers({ 'Retry-After': '3', Vary: 'Origin' });
    headers.append('Set-Cookie', 'a=1');
    headers.append('Set-Cookie', 'b=2');
    const response = await apply(Response.json(small, { status: 429, headers }), false);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(response.headers.get('vary')).toBe('Origin, Accept-Encoding');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
  });

  it('states the size of JSON and text bodies for the compression, not of other bodies', async () => {
    expect((await apply(Response.json(small))).headers.get(bodyBytesHeader)).toBe(String(JSON.stringify(small).length));
    expect((await apply(new Response('é'.repeat(10), { headers: { 'content-type': 'text/plain' } }))).headers.get(bodyBytesHeader)).toBe('20');
    const image = await apply(new Response(new Uint8Array(8), { headers: { 'content-type': 'image/png' } }));
    expect(image.headers.get(bodyBytesHeader)).toBeNull();
    expect(image.headers.get('vary')).not.toContain('Accept-Encoding');
  });
});

describe('Location of a queued run', () => {
  it('points a 202 at the run it names, { runId } or { run: { id } }', async () => {
    expect((await apply(Response.json({ runId: 'r/1', status: 'queued' }, { status: 202 }))).headers.get('location')).toBe('/api/runs/r%2F1');
    expect((await apply(Response.json({ run: { id: 'r2' } }, { status: 202 }))).headers.get('location')).toBe('/api/runs/r2');
  });

  it('adds none to a 202 about several runs, nor to a 200', async () => {
    expect((await apply(Response.json({ results: [] }, { status: 202 }))).headers.get('location')).toBeNull();
    expect((await apply(Response.json({ runId: 'r1' }, { status: 200 }))).headers.get('location')).toBeNull();
  });
});
