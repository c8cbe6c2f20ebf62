import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kickoffCompression } from './compression.ts';
import { bodyBytesHeader, compressMinBytes } from './http-conventions.ts';

/**
 * A real HTTP server on loopback with the web server's compression in front of a handler
 * that answers as Next 16 does for a route handler: headers appended (Content-Type as an
 * array), no Content-Length, the body written in chunks.
 */
const big = JSON.stringify({ rows: Array.from({ length: 300 }, (_, index) => ({ index, name: `row ${index}` })) });
const small = JSON.stringify({ ok: true });
let server: Server;
let port: number;

beforeAll(async () => {
  const compress = kickoffCompression();
  server = createServer((request, response) =>
    compress(request as never, response as never, () => {
      const body = request.url === '/big' ? big : request.url === '/page' ? `<html>${'<p>page</p>'.repeat(300)}</html>` : small;
      response.appendHeader('content-type', request.url === '/page' ? 'text/html; charset=utf-8' : 'application/json');
      if (request.url !== '/page') response.appendHeader(bodyBytesHeader, String(Buffer.byteLength(body)));
      response.statusCode = 200;
      response.write(body.slice(0, 10));
      response.end(body.slice(10));
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function get(path: string, acceptEncoding?: string, method = 'GET'): Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the web server compresses', () => {
  it('with br when the client takes br among others (as browsers and curl --compressed ask)', async () => {
    const { headers, body } = await get('/big', 'gzip, deflate, br, zstd');
    expect(headers['content-encoding']).toBe('br');
    expect(headers.vary).toContain('Accept-Encoding');
    expect(headers[bodyBytesHeader]).toBeUndefined();
    expect(body.byteLength).toBeLessThan(big.length / 3);
    expect(brotliDecompressSync(body).toString()).toBe(big);
  });

  it('with gzip when only gzip is taken, or br is refused', async () => {
    for (const accept of ['gzip', 'br;q=0, gzip', 'gzip;q=1, br;q=0.5']) {
      const { headers, body } = await get('/big', accept);
      expect(headers['content-encoding'], accept).toBe('gzip');
      expect(gunzipSync(body).toString()).toBe(big);
    }
  });

  it('pages too', async () => {
    expect((await get('/page', 'br')).headers['content-encoding']).toBe('br');
  });

  it('nothing below the threshold, nothing not asked for, nothing for HEAD', async () => {
    expect(small.length).toBeLessThan(compressMinBytes);
    const belowThreshold = await get('/small', 'br, gzip');
    expect(belowThreshold.headers['content-encoding']).toBeUndefined();
    expect(belowThreshold.headers[bodyBytesHeader]).toBeUndefined();
    expect(belowThreshold.body.toString()).toBe(small);
    for (const accept of [undefined, 'identity', 'deflate;q=0, identity']) {
      const plain = await get('/big', accept);
      expect(plain.headers['content-encoding'], accept).toBeUndefined();
      expect(plain.body.toString()).toBe(big);
    }
    expect((await get('/big', 'br', 'HEAD')).headers['content-encoding']).toBeUndefined();
  });
});
