import type { Prisma } from '@/generated/prisma/client.ts';
import { db } from '../db.ts';
import { BadRequestError, NotFoundError } from '../errors.ts';
import type { RunListQuery } from '../validations/runs.ts';
import { toRunDetailDto, toRunDto, type RunDetailDto, type RunDto, type RunFacts } from '../runs/run-dto.ts';
import { readSettings } from '../settings.ts';
import { isStorableDate } from '../validations/date-time.ts';
import { isStorableText } from '../validations/text.ts';
import { containmentDocuments, parsePayloadSearch, payloadSearchIds } from './payload-search.ts';

/** Newest first; the cursor is the last row's (queuedAt, id), opaque to clients. */
export async function listRuns(query: RunListQuery): Promise<{ runs: RunDto[]; count: number; nextCursor: string | null }> {
  const where: Prisma.JobRunWhereInput[] = [];
  if (query.job) where.push({ jobName: query.job });
  if (query.status) where.push({ status: query.status });
  if (query.trigger) where.push({ trigger: query.trigger });
  if (query.source) where.push({ source: query.source });
  if (query.since) where.push({ queuedAt: { gte: query.since } });
  if (query.until) where.push({ queuedAt: { lt: query.until } });
  const cursor = query.cursor ? decodeCursor(query.cursor) : null;
  if (query.q) where.push(await searchFilter(query, cursor));
  if (cursor) {
    // (queuedAt, id) < cursor, written so the bound on queuedAt is an index range.
    where.push({ queuedAt: { lte: cursor.queuedAt } }, { NOT: { queuedAt: cursor.queuedAt, id: { gte: cursor.id } } });
  }
  const rows = await db().jobRun.findMany({
    where: { AND: where },
    orderBy: [{ queuedAt: 'desc' }, { id: 'desc' }],
    take: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const facts = await runFacts();
  return {
    runs: page.map((run) => toRunDto(run, facts)),
    count: page.length,
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.queuedAt, last.id) : null,
  };
}

/** One run; stacks (`errorStack`, attempts' `trace`) only for admins. */
export async function getRun(id: string, audience: { admin: boolean }): Promise<RunDetailDto> {
  const run = await db().jobRun.findUnique({
    where: { id },
    include: { events: { orderBy: { id: 'asc' }, take: 1_000 } },
  });
  if (!run) throw new NotFoundError('Run', id);
  const [retries, caused] = await Promise.all([
    db().jobRun.findMany({ where: { retryOf: id }, select: { id: true }, orderBy: { queuedAt: 'asc' }, take: 20 }),
    db().jobRun.findMany({ where: { causedBy: id }, select: { id: true, jobName: true }, orderBy: { queuedAt: 'asc' }, take: 20 }),
  ]);
  return toRunDetailDto(run, { retriedBy: retries.map((row) => row.id), caused }, audience, await runFacts());
}

async function runFacts(): Promise<RunFacts> {
  return { paused: (await readSettings(db()))['engine.paused'] };
}

/**
 * `q` finds a run by id or requestId, or by a payload field: `matchId=42` matches runs whose
 * payload has `matchId` 42 (typed as the job's schema types it); `team.id=7` looks one level
 * down. A payload search is answered by the payload's GIN index (lib/data/payload-search.ts):
 * it yields the page's ids, which the list then reads.
 */
async function searchFilter(query: RunListQuery, cursor: { queuedAt: Date; id: string } | null): Promise<Prisma.JobRunWhereInput> {
  const search = parsePayloadSearch(query.q!);
  if (!search) return { OR: [{ id: query.q! }, { requestId: query.q! }] };
  return { id: { in: await payloadSearchIds(containmentDocuments(search, query.job), query, cursor) } };
}

function encodeCursor(queuedAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([queuedAt.toISOString(), id])).toString('base64url');
}

function decodeCursor(cursor: string): { queuedAt: Date; id: string } {
  try {
    const [queuedAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown[];
    const date = new Date(String(queuedAt));
    // Decoded from the client's text: the same bounds as any date or text it sends.
    if (typeof id !== 'string' || id.length > 200 || !isStorableText(id) || !isStorableDate(date)) throw new Error('bad cursor');
    return { queuedAt: date, id };
  } catch {
    throw new BadRequestError('The cursor is not one this API gave out', { cursor });
  }
}

/** A run's id and job, or null: what its page needs to answer 404 and to name itself. */
export async function findRunLabel(id: string): Promise<{ id: string; jobName: string } | null> {
  // PostgreSQL text cannot hold NUL, and no run id is that long: such an id names no run.
  if (id.includes('\u0000') || id.length > 200) return null;
  return db().jobRun.findUnique({ where: { id }, select: { id: true, jobName: true } });
}
