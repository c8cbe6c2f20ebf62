import { withErrors } from '@/lib/api/with-auth.ts';
import { env } from '@/lib/env.ts';
import { checkPostgres, checkRedis } from '@/lib/health.ts';

export const dynamic = 'force-dynamic';

/** Public liveness: 200 when PostgreSQL and Redis answer, 503 otherwise. */
export const GET = withErrors(async () => {
  const [database, queue] = await Promise.all([checkPostgres(env().DATABASE_URL), checkRedis(env())]);
  const ok = database.ok && queue.ok;
  return Response.json(
    { status: ok ? 'ok' : 'degraded', db: database, redis: queue },
    { status: ok ? 200 : 503, headers: { 'Cache-Control': 'no-store' } },
  );
});
