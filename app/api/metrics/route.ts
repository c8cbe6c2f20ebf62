import { withAuth } from '@/lib/api/with-auth.ts';
import { renderMetrics } from '@/lib/data/metrics.ts';

/** Prometheus text format, for a scraper with an API key. */
export const GET = withAuth('stats:read', async () =>
  new Response(await renderMetrics(), { headers: { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Cache-Control': 'no-store' } }),
);
