import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { applyHttpConventions, compressMinBytes, negotiateEncoding } from './http-conventions.ts';

const big = { rows: Array.from({ length: 200 }, (_, index) => ({ index, name: `row ${index}` })) };
const small = { ok: true };
const request = (acceptEncoding?: string, method = 'GET') =>
  new Request('http://localhost/api/x', { method, headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } });
const apply = (response: Response, acceptEncoding?: string, authenticated = true, method = 'GET') =>
  applyHttpConventions(request(acceptEncoding, method), response, { requestId: 'req-1', authenticated });

describe('compression', () => {
  it('sends br when asked for br among others, and the body decompresses to the JSON', async () => {
    expect(JSON.stringify(big).length).toBeGreaterThan(compressMinBytes);
    const response = await apply(Response.json(big), 'gzip, deflate, br, zstd');
    expect(response.headers.get('content-encoding')).toBe('br');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.byteLength).toBeLessThan(JSON.stringify(big).length / 3);
    expect(JSON.parse(brotliDecompressSync(bytes).toString())).toEqual(big);
  });

  it('sends gzip when only gzip is asked for, or br is refused with q=0', async () => {
    for (const accept of ['gzip', 'br;q=0, gzip', 'gzip, deflate']) {
      const response = await apply(Response.json(big), accept);
      expect(response.headers.get('content-encoding'), accept).toBe('gzip');
      expect(JSON.parse(gunzipSync(Buffer.from(await response.arrayBuffer())).toString())).toEqual(big);
    }
  });

  it('follows q-values: gzip;q=1 over br;q=0.5', async () => {
    expect(negotiateEncoding(request('gzip;q=1, br;q=0.5'))).toBe('gzip');
    expect(negotiateEncoding(request('br, gzip'))).toBe('br');
    expect(negotiateEncoding(request('*'))).toBe('br');
    expect(negotiateEncoding(request('identity'))).toBeNull();
    expect(negotiateEncoding(request('deflate'))).toBeNull();
    expect(negotiateEncoding(request())).toBeNull();
  });

  it('leaves bodies below the threshold, requests without Accept-Encoding and HEAD as they are', async () => {
    for (const [response, accept, method] of [
      [Response.json(small), 'br, gzip', 'GET'],
      [Response.json(big), undefined, 'GET'],
      [Response.json(big), 'br', 'HEAD'],
    ] as const) {
      const answered = await apply(response, accept, true, method);
      expect(answered.headers.get('content-encoding')).toBeNull();
      expect(answered.headers.get('vary')).toContain('Accept-Encoding');
    }
    expect(await (await apply(Response.json(small), 'br')).json()).toEqual(small);
  });

  it('compresses Prometheus text too, but not what is already encoded or not text', async () => {
    const text = new Response('kickoff_runs_total 1\n'.repeat(100), { headers: { 'content-type': 'text/plain; version=0.0.4' } });
    expect((await apply(text, 'br')).headers.get('content-encoding')).toBe('br');
    const image = new Response(new Uint8Array(4096), { headers: { 'content-type': 'image/png' } });
    const answered = await apply(image, 'br');
    expect(answered.headers.get('content-encoding')).toBeNull();
    expect(answered.headers.get('vary')).not.toContain('Accept-Encoding');
    const encoded = await apply(new Response('x'.repeat(4096), { headers: { 'content-type': 'text/plain', 'content-encoding': 'gzip' } }), 'br');
    expect(encoded.headers.get('content-encoding')).toBe('gzip');
    expect((await encoded.text()).length).toBe(4096);
  });
});

describe('caching and the request id', () => {
  it('marks authenticated answers private, no-store and varying by credentials', async () => {
    const response = await apply(Response.json(small));
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    expect(response.headers.get('vary')).toBe('Authorization, Cookie, Accept-Encoding');
    expect(response.headers.get('x-request-id')).toBe('req-1');
  });

  it('keeps a Cache-Control the route chose, and makes public answers no-store unless they chose', async () => {
    expect((await apply(Response.json(small, { headers: { 'Cache-Control': 'no-store' } }))).headers.get('cache-control')).toBe('no-store');
    expect((await apply(Response.json(small), undefined, false)).headers.get('cache-control')).toBe('no-store');
    expect((await apply(Response.json(small, { headers: { 'Cache-Control': 'public, max-age=300' } }), undefined, false)).headers.get('cache-control')).toBe('public, max-age=300');
  });

  it('keeps status, other headers and every Set-Cookie', async () => {
    const headers = new Headers({ 'Retry-After': '3' });
    headers.append('Set-Cookie', 'a=1');
    headers.append('Set-Cookie', 'b=2');
    const response = await apply(Response.json(small, { status: 429, headers }), 'br', false);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
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
