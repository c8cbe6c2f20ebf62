import type { JobRun, Prisma } from '@/generated/prisma/client.ts';
import { db } from '../db.ts';
import { NotFoundError } from '../errors.ts';
import type { RunFilter, RunListQuery, RunSort } from '../validations/runs.ts';
import { afterCursor, decodeCursor, encodeCursor, orderBy, runOrder } from './run-order.ts';
import { toRunDetailDto, toRunDto, toRunTryDto, type RunDetailDto, type RunDto, type RunFacts, type RunTryDto, type RunTryRow } from '../runs/run-dto.ts';
import { readSettings } from '../settings.ts';
import { parsePayloadSearch, payloadPathFilter, payloadSearchIds } from './payload-search.ts';

/** Where a list, an export or a bulk action by filter reads from: the same filters everywhere. */
export function runFilterWhere(filter: RunFilter): Prisma.JobRunWhereInput[] {
  const where: Prisma.JobRunWhereInput[] = [];
  if (filter.job) where.push({ jobName: filter.job });
  if (filter.status) where.push({ status: filter.status });
  if (filter.trigger) where.push({ trigger: filter.trigger });
  if (filter.source) where.push({ source: filter.source });
  if (filter.since) where.push({ queuedAt: { gte: filter.since } });
  if (filter.until) where.push({ queuedAt: { lt: filter.until } });
  if (filter.q) where.push(searchFilter(filter.q, filter.job));
  return where;
}

/** One page of rows in `sort`'s order after `cursor`, and the cursor of the next page. */
export async function runRowsPage(filter: RunFilter, sort: RunSort, limit: number, cursor?: string): Promise<{ rows: JobRun[]; nextCursor: string | null }> {
  const order = runOrder(sort);
  const search = filter.q ? parsePayloadSearch(filter.q) : null;
  let rows: JobRun[];
  if (search) {
    // A payload search: the page's ids from the payload's GIN index, in the page's order.
    const { q: _q, ...rest } = filter;
    const ids = await payloadSearchIds(search, rest, order, cursor ? decodeCursor(order, cursor) : null, limit);
    rows = await db().jobRun.findMany({ where: { id: { in: ids } }, orderBy: orderBy(order) });
  } else {
    const where = runFilterWhere(filter);
    if (cursor) where.push(afterCursor(order, cursor));
    rows = await db().jobRun.findMany({ where: { AND: where }, orderBy: orderBy(order), take: limit + 1 });
  }
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > limit && last ? encodeCursor(order, last) : null };
}

/** Every row matching, page by page (a keyset cursor underneath), so a large export never sits in memory. */
export async function* runRows(filter: RunFilter, sort: RunSort, pageSize = 500): AsyncGenerator<JobRun[]> {
  let cursor: string | undefined;
  do {
    const { rows, nextCursor } = await runRowsPage(filter, sort, pageSize, cursor);
    if (rows.length > 0) yield rows;
    cursor = nextCursor ?? undefined;
  } while (cursor);
}

/** Sorted as asked (default: by "Started", newest first); the cursor is opaque to clients. */
export async function listRuns(query: RunListQuery): Promise<{ runs: RunDto[]; count: number; nextCursor: string | null }> {
  const { sort, limit, cursor, ...filter } = query;
  const { rows, nextCursor } = await runRowsPage(filter, sort, limit, cursor);
  const facts = await runFacts();
  return { runs: rows.map((run) => toRunDto(run, facts)), count: rows.length, nextCursor };
}

/** How many runs match a filter (counted up to `cap + 1`, so a huge match is not counted to the end). */
export async function countRuns(filter: RunFilter, extra: Prisma.JobRunWhereInput = {}, cap?: number): Promise<number> {
  const where = { AND: [...runFilterWhere(filter), extra] };
  if (cap === undefined) return db().jobRun.count({ where });
  const rows = await db().jobRun.findMany({ where, select: { id: true }, take: cap + 1 });
  return rows.length;
}

/** The ids of the runs matching a filter (and `extra`), oldest queued first, at most `limit`. */
export async function matchingRunIds(filter: RunFilter, extra: Prisma.JobRunWhereInput, limit: number): Promise<string[]> {
  const rows = await db().jobRun.findMany({ where: { AND: [...runFilterWhere(filter), extra] }, select: { id: true }, orderBy: [{ queuedAt: 'asc' }, { id: 'asc' }], take: limit });
  return rows.map((row) => row.id);
}

/** One run; stacks (`errorStack`, attempts' `trace`) only for admins. */
export async function getRun(id: string, audience: { admin: boolean }): Promise<RunDetailDto> {
  const run = await db().jobRun.findUnique({
    where: { id },
    include: { events: { orderBy: { id: 'asc' }, take: 1_000 } },
  });
  if (!run) throw new NotFoundError('Run', id);
  const [retries, replays, caused] = await Promise.all([
    db().jobRun.findMany({ where: { retryOf: id }, select: { id: true }, orderBy: { queuedAt: 'asc' }, take: 20 }),
    db().jobRun.findMany({ where: { replayOf: id }, select: { id: true }, orderBy: { queuedAt: 'asc' }, take: 20 }),
    db().jobRun.findMany({ where: { causedBy: id }, select: { id: true, jobName: true }, orderBy: { queuedAt: 'asc' }, take: 20 }),
  ]);
  const tries = await retryChain(run);
  return toRunDetailDto(run, { retriedBy: retries.map((row) => row.id), replayedBy: replays.map((row) => row.id), caused, tries }, audience, await runFacts());
}

const tryFields = { id: true, status: true, trigger: true, queuedAt: true, startedAt: true, finishedAt: true, error: true, attempts: true, retryOf: true } as const;
/** How far the waterfall follows a retry chain each way. */
const chainReach = 10;

/** The runs linked to this one by `retryOf`, oldest first: the runs it retries, it, and the first retry of each after it. */
async function retryChain(run: RunTryRow & { retryOf: string | null }): Promise<RunTryDto[]> {
  const before: RunTryRow[] = [];
  for (let id = run.retryOf; id && before.length < chainReach; ) {
    const earlier = await db().jobRun.findUnique({ where: { id }, select: tryFields });
    if (!earlier) break;
    before.unshift(earlier);
    id = earlier.retryOf;
  }
  const after: RunTryRow[] = [];
  for (let id: string | undefined = run.id; id && after.length < chainReach; ) {
    const later: (RunTryRow & { retryOf: string | null }) | null = await db().jobRun.findFirst({ where: { retryOf: id }, select: tryFields, orderBy: { queuedAt: 'asc' } });
    if (!later) break;
    after.push(later);
    id = later.id;
  }
  return [...before, run, ...after].map(toRunTryDto);
}

async function runFacts(): Promise<RunFacts> {
  return { paused: (await readSettings(db()))['engine.paused'] };
}

/**
 * `q` finds a run by id or requestId, or by a payload field: `matchId=42` matches runs whose
 * payload has `matchId` 42 (typed as the job's schema types it); `team.id=7` looks one level
 * down. The list answers a payload search from the GIN index (`runRowsPage`); this filter is
 * for the readers of a whole match (export, bulk actions by filter).
 */
function searchFilter(q: string, job: string | undefined): Prisma.JobRunWhereInput {
  const search = parsePayloadSearch(q);
  return search ? payloadPathFilter(search, job) : { OR: [{ id: q }, { requestId: q }] };
}

/** A run's id and job, or null: what its page needs to answer 404 and to name itself. */
export async function findRunLabel(id: string): Promise<{ id: string; jobName: string } | null> {
  // PostgreSQL text cannot hold NUL, and no run id is that long: such an id names no run.
  if (id.includes('\u0000') || id.length > 200) return null;
  return db().jobRun.findUnique({ where: { id }, select: { id: true, jobName: true } });
}
