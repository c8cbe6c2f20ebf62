import { recordAudit, type AuditActor } from '../audit.ts';
import { cacheFamilyNames, type CacheFamily } from '../cache/cache-families.ts';
import { processCache } from '../cache/process-cache.ts';
import type { PurgeOutcome } from '../cache/two-level-cache.ts';
import type { CachePurgeBody } from '../validations/cache.ts';

export interface CachePurgeResult {
  families: CacheFamily[];
  /** Keys Redis held, per family (0 for each while Redis is unreachable: the local copies still go). */
  removed: PurgeOutcome;
}

/**
 * The manual purge (the League page's cache panel, `POST /api/league/cache/purge`): drops the
 * families' keys in Redis and in every process's local level, and writes it to the audit log.
 * The route has checked the `cache:purge` permission (admins).
 */
export async function purgeLeagueCache(body: CachePurgeBody, actor: AuditActor): Promise<CachePurgeResult> {
  const families = [...new Set(body.families ?? cacheFamilyNames)];
  const removed = await (await processCache()).purge(families);
  await recordAudit(actor, { action: 'cache.purge', targetType: 'cache', targetId: families.length === cacheFamilyNames.length ? '*' : families.join(','), details: { families, removed } });
  return { families, removed };
}
