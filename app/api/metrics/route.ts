import { withAuth } from '@/lib/api/with-auth.ts';
import { renderMetrics } from '@/lib/data/metrics.ts';

/**
 * Prometheus text format, for a scraper with an API key. Compression is Next's (gzip when the
 * scraper asks): Next drops a route's own Content-Encoding header, so the route must not
 * encode the body itself (see the /api/metrics entry in next.config.mjs).
 */
export const GET = withAuth('stats:read', async () => {
  const { body, contentType } = await renderMetrics();
  return new Response(body, { headers: { 'Content-Type': contentType, 'Cache-Control': 'no-store' } });
});
