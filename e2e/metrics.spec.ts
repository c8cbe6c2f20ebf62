import { get } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { getMetricsFromIterator } from 'prom2javascript';
import { e2eApiKey, e2ePort } from './support/stack.ts';

/** The raw bytes and headers a scraper gets from the production server. */
function scrape(headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port: e2ePort, path: '/api/metrics', headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

test('a scrape that asks for gzip gets the Prometheus text gzip-compressed, as Prometheus sends Accept-Encoding', async () => {
  const compressed = await scrape({ authorization: `Bearer ${e2eApiKey}`, 'accept-encoding': 'gzip' });
  expect(compressed.status).toBe(200);
  expect(compressed.headers['content-encoding']).toBe('gzip');
  expect(compressed.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
  const text = gunzipSync(compressed.body).toString('utf8');
  expect(compressed.body.length).toBeLessThan(text.length / 3);
  const families = await getMetricsFromIterator(text.split('\n')[Symbol.iterator]());
  expect(families.kickoff_runs_total?.type).toBe('counter');

  const plain = await scrape({ authorization: `Bearer ${e2eApiKey}` });
  expect(plain.headers['content-encoding']).toBeUndefined();
  expect(Object.keys(await getMetricsFromIterator(plain.body.toString('utf8').split('\n')[Symbol.iterator]()))).toContain('kickoff_runs_total');

  const refused = await scrape({ 'accept-encoding': 'gzip' });
  expect(refused.status).toBe(401);
  expect(refused.headers['content-type']).toMatch(/^application\/json/);
});
