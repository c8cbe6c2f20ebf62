import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JobRun } from '@/generated/prisma/client.ts';
import { POST as invalidateRoute } from '@/app/api/internal/cache/invalidate/route.ts';
import { internalApiBase } from '@/lib/api/internal-key.ts';
import { TwoLevelCache } from '@/lib/cache/two-level-cache.ts';
import { db } from '@/lib/db.ts';
import { UpstreamClient } from '@/lib/league/upstream-client.ts';
import { LeagueClock } from '@/lib/league/league-clock.ts';
import { createRedis } from '@/lib/redis.ts';
import type { JobHandler } from '@/worker/define-handler.ts';
import { closeLeagueServices, useLeagueServices } from '@/worker/jobs/league/league-services.ts';
import type { StartedWorker } from '@/worker/start-worker.ts';
import { startInProcessWorker, stopInProcessWorker } from './in-process-worker.ts';
import { seedLeagueStats, type LeagueStatsSeedOptions } from './league-stats-seed.ts';
import { waitFor } from './wait-for.ts';

/** What the stand-in web app was asked: the request's tags and what the real route answered. */
export interface InternalCall {
  tags: string[];
  status: number;
  body: unknown;
}

/**
 * The web app's internal route on a port of its own (the real route handler behind a plain
 * HTTP server), so the worker's call to it goes over HTTP as in production. `stop()` and
 * `start()` take it away and bring it back on the same port.
 */
export class InternalWebApp {
  readonly calls: InternalCall[] = [];
  private server: Server | undefined;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        void (async () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const headers = new Headers();
          for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers.set(name, value);
          const answer = await invalidateRoute(new Request(`${this.url}${request.url}`, { method: request.method, headers, body: text }), { params: Promise.resolve({}) });
          const body = (await answer.json()) as unknown;
          this.calls.push({ tags: ((JSON.parse(text || '{}') as { tags?: string[] }).tags ?? []), status: answer.status, body });
          response.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        })();
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * A stage for the stats-update tests: league data seeded straight into the file's own
 * database, the stand-in web app (PUBLIC_URL points at it), the worker's league services with
 * a cache on the file's queue prefix, and a worker in this process running `handlers`.
 * Call useOwnDatabase and useOwnQueuePrefix first, and start it before anything reads the
 * environment (env() is read once), i.e. in beforeAll.
 */
export class StatsStage {
  private constructor(
    readonly web: InternalWebApp,
    readonly cache: TwoLevelCache,
    private readonly runner: StartedWorker,
  ) {}

  static async start(prefix: string, handlers: JobHandler[], seed: LeagueStatsSeedOptions): Promise<StatsStage> {
    const web = new InternalWebApp();
    await web.start();
    process.env.PUBLIC_URL = web.url;
    if (internalApiBase() !== web.url) throw new Error('the environment was read before the stats stage started: start it before anything calls env()');
    await seedLeagueStats(db(), seed);
    const cache = new TwoLevelCache({ redis: createRedis('client'), prefix });
    await cache.start();
    // stats-update never calls the upstream; a client that could not reach one anyway.
    useLeagueServices({ upstream: () => new UpstreamClient({ baseUrl: 'http://127.0.0.1:9' }), cache, clock: new LeagueClock({ baseUrl: 'http://127.0.0.1:9' }) });
    const runner = await startInProcessWorker(prefix, handlers);
    return new StatsStage(web, cache, runner);
  }

  async stop(): Promise<void> {
    await this.web.stop();
    await closeLeagueServices();
    await stopInProcessWorker(this.runner);
  }
}

/** Waits for a run to reach one of `statuses`. */
export function runReaching(id: string, statuses: JobRun['status'][], timeoutMs = 30_000): Promise<JobRun> {
  return waitFor(
    async () => {
      const run = await db().jobRun.findUnique({ where: { id } });
      return run && statuses.includes(run.status) ? run : undefined;
    },
    timeoutMs,
    `run ${id} to reach ${statuses.join('|')}`,
  );
}
