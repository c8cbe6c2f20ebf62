/**
 * Payload search of the run list (`GET /api/runs?q=matchId=42`): a containment query,
 * `payload @> '{"matchId":42}'`, that the GIN index on `JobRun.payload` (jsonb_path_ops)
 * answers without reading the table. A value is typed as the job's payload schema types the
 * field (`42` a number for a numeric field, `"42"` for a text one); with no job filter, as any
 * job of the catalog types that field, and both ways when none says.
 */
import type { z } from 'zod';
import { Prisma } from '@/generated/prisma/client.ts';
import { db } from '../db.ts';
import { allJobs, findJob } from '../jobs/catalog.ts';
import type { RunFilter } from '../validations/runs.ts';
import type { DecodedCursor, RunOrder } from './run-order.ts';

type JsonKind = 'string' | 'number' | 'boolean';
const anyKind: ReadonlySet<JsonKind> = new Set(['string', 'number', 'boolean']);

/** `key=value` or `a.b=value`, or null when `q` is not a payload search (an id or requestId). */
export function parsePayloadSearch(q: string): { path: string[]; raw: string } | null {
  const field = /^([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)=(.*)$/.exec(q);
  return field ? { path: field[1]!.split('.'), raw: field[2]! } : null;
}

/** The JSON kinds a schema gives the field at `path`; every kind when it cannot tell. */
export function kindsAt(schema: z.ZodType, path: readonly string[]): ReadonlySet<JsonKind> {
  const def = (schema as unknown as { def: { type: string; innerType?: z.ZodType; in?: z.ZodType; shape?: Record<string, z.ZodType>; options?: z.ZodType[]; values?: unknown[]; entries?: Record<string, unknown> } }).def;
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
      return kindsAt(def.innerType!, path);
    case 'pipe':
      return kindsAt(def.in!, path);
    case 'union':
      return new Set(def.options!.flatMap((option) => [...kindsAt(option, path)]));
    case 'object': {
      if (path.length === 0) return new Set();
      const field = (schema as unknown as { shape: Record<string, z.ZodType> }).shape[path[0]!];
      return field ? kindsAt(field, path.slice(1)) : new Set();
    }
  }
  if (path.length > 0) return anyKind;
  if (def.type === 'string' || def.type === 'enum') return new Set(['string']);
  if (def.type === 'number' || def.type === 'int' || def.type === 'bigint') return new Set(['number']);
  if (def.type === 'boolean') return new Set(['boolean']);
  if (def.type === 'literal') return new Set(def.values!.map((value) => typeof value).filter((kind): kind is JsonKind => anyKind.has(kind as JsonKind)));
  return anyKind;
}

/** The JSON values `raw` may stand for, of the kinds asked for. */
export function candidateValues(raw: string, kinds: ReadonlySet<JsonKind>): (string | number | boolean)[] {
  const values: (string | number | boolean)[] = [];
  if (kinds.has('string')) values.push(raw);
  if (kinds.has('number') && raw.trim() !== '' && Number.isFinite(Number(raw))) values.push(Number(raw));
  if (kinds.has('boolean') && (raw === 'true' || raw === 'false')) values.push(raw === 'true');
  return values;
}

/** The containment documents for a search: `{"a":{"b":value}}` for each value the field may hold. */
export function containmentDocuments(search: { path: string[]; raw: string }, job: string | undefined): string[] {
  return typedValues(search, job).map((value) => JSON.stringify(search.path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value)));
}

/** The values a search may match, typed as the job's schema types the field (every reading when none says). */
function typedValues(search: { path: string[]; raw: string }, job: string | undefined): (string | number | boolean)[] {
  const definitions = job ? [findJob(job)].filter((definition) => definition !== undefined) : allJobs();
  const kinds = new Set<JsonKind>();
  for (const definition of definitions) for (const kind of kindsAt(definition.payload, search.path)) kinds.add(kind);
  return candidateValues(search.raw, kinds.size > 0 ? kinds : anyKind);
}

/**
 * The same search as a Prisma filter (JSON path equality), for the readers that walk a whole
 * match rather than one page: the export and the bulk actions by filter. It cannot use the GIN
 * index, so it scans; the list, which people wait on, uses `payloadSearchIds`.
 */
export function payloadPathFilter(search: { path: string[]; raw: string }, job: string | undefined): Prisma.JobRunWhereInput {
  return { OR: typedValues(search, job).map((value) => ({ payload: { path: search.path, equals: value } })) };
}

const sqlColumns: Record<RunOrder['column'], Prisma.Sql> = {
  startedOrQueuedAt: Prisma.raw('"startedOrQueuedAt"'),
  durationMs: Prisma.raw('"durationMs"'),
  jobName: Prisma.raw('"jobName"'),
  status: Prisma.raw('status'),
  trigger: Prisma.raw('trigger'),
};
const enumTypes: Partial<Record<RunOrder['column'], Prisma.Sql>> = { status: Prisma.raw('"RunStatus"'), trigger: Prisma.raw('"RunTrigger"') };

/** `run-order.ts`'s keyset condition in SQL: the rows after the cursor's row in `order` (unfinished runs last either way). */
function sqlAfter(order: RunOrder, cursor: DecodedCursor): Prisma.Sql {
  const column = sqlColumns[order.column];
  const comparison = Prisma.raw(order.direction === 'desc' ? '<' : '>');
  if (cursor.value === null) return Prisma.sql`(${column} IS NULL AND id ${comparison} ${cursor.id})`;
  const enumType = enumTypes[order.column];
  const value = enumType ? Prisma.sql`${cursor.value}::${enumType}` : Prisma.sql`${cursor.value}`;
  const after = Prisma.sql`(${column}, id) ${comparison} (${value}, ${cursor.id})`;
  return order.column === 'durationMs' ? Prisma.sql`(${after} OR ${column} IS NULL)` : after;
}

/**
 * The ids of the list page a payload search shows (`limit + 1` of them in `order`, after the
 * cursor), with the list's other filters, in one query the GIN index answers; the list then
 * reads those rows.
 */
export async function payloadSearchIds(
  search: { path: string[]; raw: string },
  filter: Omit<RunFilter, 'q'>,
  order: RunOrder,
  cursor: DecodedCursor | null,
  limit: number,
): Promise<string[]> {
  const documents = containmentDocuments(search, filter.job);
  if (documents.length === 0) return [];
  const where: Prisma.Sql[] = [Prisma.sql`(${Prisma.join(documents.map((document) => Prisma.sql`payload @> ${document}::jsonb`), ' OR ')})`];
  if (filter.job) where.push(Prisma.sql`"jobName" = ${filter.job}`);
  if (filter.status) where.push(Prisma.sql`status = ${filter.status}::"RunStatus"`);
  if (filter.trigger) where.push(Prisma.sql`trigger = ${filter.trigger}::"RunTrigger"`);
  if (filter.source) where.push(Prisma.sql`source = ${filter.source}`);
  if (filter.since) where.push(Prisma.sql`"queuedAt" >= ${filter.since}`);
  if (filter.until) where.push(Prisma.sql`"queuedAt" < ${filter.until}`);
  if (cursor) where.push(sqlAfter(order, cursor));
  const direction = Prisma.raw(order.direction === 'desc' ? 'DESC' : 'ASC');
  const rows = await db().$queryRaw<{ id: string }[]>`
    SELECT id FROM "JobRun" WHERE ${Prisma.join(where, ' AND ')}
    ORDER BY ${sqlColumns[order.column]} ${direction} NULLS LAST, id ${direction} LIMIT ${limit + 1}`;
  return rows.map((row) => row.id);
}
