/**
 * The worker's start-up warning about a Redis that would lose the queue: no persistence, or
 * an eviction policy that drops keys. Real redis-servers, configured each way.
 */
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { freePort, TestRedisServer } from '@/scripts/test/redis-server.ts';
import { redisDurabilityWarnings } from '../redis-durability.ts';

const servers: TestRedisServer[] = [];
const clients: Redis[] = [];

afterAll(async () => {
  for (const client of clients) client.disconnect();
  await Promise.all(servers.map((server) => server.destroy()));
});

async function warningsFor(args: string[]): Promise<string[]> {
  const server = new TestRedisServer(await freePort(), args);
  servers.push(server);
  await server.start();
  const client = new Redis(server.url, { maxRetriesPerRequest: 1 });
  clients.push(client);
  return redisDurabilityWarnings(client);
}

it('says nothing about a Redis with an append-only file and noeviction', async () => {
  expect(await warningsFor(['--maxmemory-policy', 'noeviction'])).toEqual([]);
});

it('warns in plain words when Redis keeps nothing on disk and evicts keys', async () => {
  const warnings = await warningsFor(['--appendonly', 'no', '--save', '', '--maxmemory-policy', 'allkeys-lru']);
  expect(warnings).toHaveLength(2);
  expect(warnings[0]).toMatch(/^Redis keeps no data on disk .*it forgets the queues \(Kickoff puts unfinished runs back from PostgreSQL.*\)\. Turn on appendonly yes/);
  expect(warnings[1]).toMatch(/^Redis may evict keys when memory runs short \(maxmemory-policy allkeys-lru\).*Set maxmemory-policy noeviction/);
});

it('warns that snapshots alone lose the latest runs', async () => {
  const warnings = await warningsFor(['--appendonly', 'no', '--save', '60 1']);
  expect(warnings).toEqual([expect.stringMatching(/^Redis keeps only periodic snapshots/)]);
});

it('says nothing when Redis refuses CONFIG, as managed services do', async () => {
  expect(await warningsFor(['--appendonly', 'no', '--save', '', '--rename-command', 'CONFIG', ''])).toEqual([]);
});
