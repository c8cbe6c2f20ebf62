import type { JobRun, Prisma } from '@/generated/prisma/client.ts';
import { RunStatus, RunTrigger } from '@/generated/prisma/enums.ts';
import { BadRequestError } from '../errors.ts';
import { isStorableDate } from '../validations/date-time.ts';
import type { RunSort, RunSortKey } from '../validations/runs.ts';
import { isStorableText } from '../validations/text.ts';

/**
 * The orders of the run list and the keyset pages under them. Every order ends with `id` so
 * a page boundary is exact; the cursor holds the last row's sort value and id (opaque to
 * clients, and tied to its sort: a cursor of one order is refused under another).
 */

type Column = 'startedOrQueuedAt' | 'durationMs' | 'jobName' | 'status' | 'trigger';
type SortValue = string | number | null;

const columns: Record<RunSortKey, Column> = { started: 'startedOrQueuedAt', duration: 'durationMs', job: 'jobName', status: 'status', trigger: 'trigger' };
/** PostgreSQL orders an enum by its declaration order, which these lists keep. */
const enumOrder: Partial<Record<Column, readonly string[]>> = { status: Object.values(RunStatus), trigger: Object.values(RunTrigger) };

export interface RunOrder {
  key: RunSortKey;
  column: Column;
  direction: 'asc' | 'desc';
}

export function runOrder(sort: RunSort): RunOrder {
  const direction = sort.startsWith('-') ? 'desc' : 'asc';
  const key = sort.replace(/^-/, '') as RunSortKey;
  return { key, column: columns[key], direction };
}

export function orderBy(order: RunOrder): Prisma.JobRunOrderByWithRelationInput[] {
  // Only `durationMs` is ever null (a run not finished): last in either direction.
  const first: Prisma.JobRunOrderByWithRelationInput =
    order.column === 'durationMs' ? { durationMs: { sort: order.direction, nulls: 'last' } } : { [order.column]: order.direction };
  return [first, { id: order.direction }];
}

function valueOf(run: JobRun, column: Column): SortValue {
  // startedOrQueuedAt is generated from queuedAt, so it is never null on a row.
  if (column === 'startedOrQueuedAt') return (run.startedOrQueuedAt ?? run.startedAt ?? run.queuedAt).toISOString();
  return run[column];
}

export function encodeCursor(order: RunOrder, run: JobRun): string {
  return Buffer.from(JSON.stringify([order.key, valueOf(run, order.column), run.id])).toString('base64url');
}

function badCursor(cursor: string): BadRequestError {
  return new BadRequestError('The cursor is not one this API gave out (or not for this sort)', { cursor });
}

export interface DecodedCursor {
  value: Date | string | number | null;
  id: string;
}

/** The last row's sort value and id, as checked as any date or text a client sends. */
export function decodeCursor(order: RunOrder, cursor: string): DecodedCursor {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString());
  } catch {
    throw badCursor(cursor);
  }
  if (!Array.isArray(decoded) || decoded.length !== 3 || decoded[0] !== order.key) throw badCursor(cursor);
  const [, raw, id] = decoded as [unknown, unknown, unknown];
  if (typeof id !== 'string' || id.length > 200 || !isStorableText(id)) throw badCursor(cursor);
  const value = checkedValue(order.column, raw);
  if (value === undefined) throw badCursor(cursor);
  return { value, id };
}

/** The rows after the cursor's row in `order`, written so the bound on the sort column is an index range. */
export function afterCursor(order: RunOrder, cursor: string): Prisma.JobRunWhereInput {
  const { value, id } = decodeCursor(order, cursor);
  const before = order.direction === 'desc';
  const idAfter = before ? { lt: id } : { gt: id };
  if (order.column === 'startedOrQueuedAt') {
    const at = value as Date;
    return { AND: [{ startedOrQueuedAt: before ? { lte: at } : { gte: at } }, { NOT: { startedOrQueuedAt: at, id: before ? { gte: id } : { lte: id } } }] };
  }
  if (value === null) return { durationMs: null, id: idAfter };
  const enumValues = enumOrder[order.column];
  const further: Prisma.JobRunWhereInput = enumValues
    ? { [order.column]: { in: enumValues.filter((_, index) => (before ? index < enumValues.indexOf(value as string) : index > enumValues.indexOf(value as string))) } }
    : { [order.column]: before ? { lt: value } : { gt: value } };
  return { OR: [further, { [order.column]: value, id: idAfter }, ...(order.column === 'durationMs' ? [{ durationMs: null }] : [])] };
}

function checkedValue(column: Column, raw: unknown): Date | string | number | null | undefined {
  if (column === 'startedOrQueuedAt') {
    const date = new Date(String(raw));
    return typeof raw === 'string' && isStorableDate(date) ? date : undefined;
  }
  if (column === 'durationMs') return raw === null || (Number.isSafeInteger(raw) && Math.abs(raw as number) < 2 ** 31) ? (raw as number | null) : undefined;
  if (typeof raw !== 'string' || raw.length > 200 || !isStorableText(raw)) return undefined;
  const enumValues = enumOrder[column];
  return !enumValues || enumValues.includes(raw) ? raw : undefined;
}
