/**
 * Another process holding a TwoLevelCache, for the cross-process test. Prints `ready` once
 * subscribed, then answers each stdin line (`get <key>`, `exit`) with one JSON line:
 * `{ key, found, value, localHits, redisHits }`. Exits when stdin closes (its parent is gone).
 * Takes QUEUE_PREFIX and REDIS_URL from the environment.
 */
import { createInterface } from 'node:readline';
import { createRedis } from '../redis.ts';
import { familyOf } from './cache-families.ts';
import { TwoLevelCache } from './two-level-cache.ts';

const redis = createRedis('client');
const cache = new TwoLevelCache({ redis });
await cache.start();
process.stdout.write('ready\n');

for await (const line of createInterface({ input: process.stdin })) {
  const [command, key] = line.trim().split(/\s+/);
  if (command === 'exit') break;
  if (command === 'get' && key) {
    const value = await cache.get(key);
    const { localHits, redisHits } = cache.stats()[familyOf(key)];
    process.stdout.write(`${JSON.stringify({ key, found: value !== undefined, value: value ?? null, localHits, redisHits })}\n`);
  } else {
    process.stdout.write(`${JSON.stringify({ error: `unknown command: ${line}` })}\n`);
  }
}

await cache.close();
redis.disconnect();
process.exit(0);
