import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import Negotiator from 'negotiator';
import { withAuth } from '@/lib/api/with-auth.ts';
import { renderMetrics } from '@/lib/data/metrics.ts';

const gzipAsync = promisify(gzip);

/** Prometheus text format, for a scraper with an API key; gzip when the scraper asks (Prometheus does). */
export const GET = withAuth('stats:read', async ({ request }) => {
  const { body, contentType } = await renderMetrics();
  const headers = new Headers({ 'Content-Type': contentType, 'Cache-Control': 'no-store', Vary: 'Accept-Encoding' });
  const encoding = new Negotiator({ headers: { 'accept-encoding': request.headers.get('accept-encoding') ?? undefined } }).encoding(['gzip', 'identity']);
  if (encoding !== 'gzip') return new Response(body, { headers });
  headers.set('Content-Encoding', 'gzip');
  return new Response(new Uint8Array(await gzipAsync(body)), { headers });
});
