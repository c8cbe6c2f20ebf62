import { z } from 'zod';

/**
 * The config fields of the league jobs that call the upstream in rate-limited batches
 * (entry-updates, tournament-event-data): how they batch upstream calls, and where to look
 * for leagues when none is known. Every upstream request of these jobs counts against one
 * rate limit shared by all workers (`league-upstream`), so together they never ask the
 * upstream for more than their `requestsPerMinute`.
 */
export const upstreamBatchConfig = {
  batchSize: z.number().int().min(1).max(500).default(50).meta({ title: 'Batch size', description: 'Items per batch; entry-updates also writes each batch in one transaction.' }),
  requestsPerMinute: z.number().int().min(1).max(100_000).default(10).meta({ title: 'Upstream requests per minute', description: 'Upstream requests per minute, counted across every worker and both jobs.' }),
  minSuccessRatio: z.number().min(0).max(1).default(0.8).meta({ title: 'Least share fetched', description: 'Below this share of items fetched the run fails (the circuit breaker may stop it sooner).', unit: 'ratio' }),
  leagueIds: z.array(z.number().int().min(1)).min(1).max(100).default([1, 2, 3, 4, 5]).meta({ title: 'Leagues to discover', description: 'Leagues to discover (first standings page) when the database knows none yet.' }),
};
