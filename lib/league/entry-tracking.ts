import { recordAudit, type AuditActor } from '../audit.ts';
import { processCache } from '../cache/process-cache.ts';
import { assertMayActOnJob } from '../auth/grants.ts';
import { db } from '../db.ts';
import { env, upstreamUrl } from '../env.ts';
import { ForbiddenError, NotFoundError, ServiceUnavailableError, ValidationError } from '../errors.ts';
import { findJob } from '../jobs/catalog.ts';
import { toEntryRow } from './league-data.ts';
import { isNotFound, isUpstreamError, UpstreamClient } from './upstream-client.ts';

/**
 * Following an entry: a tracked entry is refreshed every minute by the tracked-entry-updater
 * job. Tracking an entry we do not know yet fetches it from the upstream first, so only real
 * entries are followed.
 */

export interface EntryTrackingDto {
  id: number;
  name: string;
  playerName: string;
  tracked: boolean;
  deleted: boolean;
  summaryOverallRank: number | null;
  summaryOverallPoints: number;
  lastFetchedAt: string | null;
}

export interface EntryTrackingOutcome {
  entry: EntryTrackingDto;
  /** The entry was new to us, created from the upstream. */
  created: boolean;
}

const select = { id: true, name: true, playerName: true, tracked: true, deleted: true, summaryOverallRank: true, summaryOverallPoints: true, lastFetchedAt: true } as const;

const toDto = (entry: Omit<EntryTrackingDto, 'lastFetchedAt'> & { lastFetchedAt: Date | null }): EntryTrackingDto => ({ ...entry, lastFetchedAt: entry.lastFetchedAt?.toISOString() ?? null });

/** The upstream's answer for entry `id`; a 404 is a 422 (there is no such entry to follow), no answer a 503. */
async function fetchUpstreamEntry(upstream: UpstreamClient, id: number) {
  try {
    return await upstream.entry(id);
  } catch (error) {
    if (isNotFound(error)) {
      const message = `no entry ${id} upstream`;
      throw new ValidationError(message, { fieldErrors: { id: [message] }, formErrors: [] });
    }
    if (isUpstreamError(error)) throw new ServiceUnavailableError(`The league upstream did not answer for entry ${id}; try again later (${error.message})`);
    throw error;
  }
}

/** The job that follows tracked entries: tracking one is acting on it, so it needs that job's grant. */
export const entryTrackingJobName = 'tracked-entry-updater';

export function assertMayTrackEntries(principal: AuditActor['principal']): void {
  const job = findJob(entryTrackingJobName);
  if (!job) throw new ForbiddenError(`Tracking entries needs the job "${entryTrackingJobName}", which is not in the catalog`);
  assertMayActOnJob(principal, job);
}

/**
 * Tracks or untracks entry `id`, and writes the change to the audit log. Untracking an entry
 * we do not know is a NotFoundError; tracking one creates it from the upstream. Asking for
 * what already is changes nothing and is not audited.
 */
export async function setEntryTracked(
  id: number,
  tracked: boolean,
  actor: AuditActor,
  upstream: UpstreamClient = new UpstreamClient({ baseUrl: upstreamUrl(env()) }),
): Promise<EntryTrackingOutcome> {
  assertMayTrackEntries(actor.principal);
  const existing = await db().entry.findUnique({ where: { id }, select });
  if (!existing) {
    if (!tracked) throw new NotFoundError('Entry', String(id));
    const row = toEntryRow(await fetchUpstreamEntry(upstream, id), new Date());
    const entry = await db().entry.upsert({ where: { id }, create: { ...row, tracked: true }, update: { tracked: true }, select });
    await recordAudit(actor, { action: 'entry.track', targetType: 'entry', targetId: String(id), before: null, after: { tracked: true }, details: { created: true, name: entry.name } });
    await dropCachedEntry(id);
    return { entry: toDto(entry), created: true };
  }
  if (existing.tracked === tracked) return { entry: toDto(existing), created: false };
  const entry = await db().entry.update({ where: { id }, data: { tracked }, select });
  await recordAudit(actor, {
    action: tracked ? 'entry.track' : 'entry.untrack',
    targetType: 'entry',
    targetId: String(id),
    before: { tracked: existing.tracked },
    after: { tracked },
    details: { name: entry.name },
  });
  await dropCachedEntry(id);
  return { entry: toDto(entry), created: false };
}

/** The Entries page reads `entry:tracked:*` and `entry:{id}` through the cache (lib/data/league-entries.ts). Never throws for Redis. */
async function dropCachedEntry(id: number): Promise<void> {
  const cache = await processCache();
  await cache.invalidate([`entry:${id}`]);
  await cache.invalidatePattern('entry:tracked:');
}
