import type { JobRun } from '@/generated/prisma/client.ts';
import { toRunDto } from '../runs/run-dto.ts';
import type { RunExportQuery } from '../validations/runs.ts';
import { runRows } from './runs.ts';

/** The columns of a CSV export, in order: the Runs table's facts, then the rest of the row. */
export const runCsvColumns = [
  'id', 'jobName', 'status', 'trigger', 'source', 'actor', 'requestId', 'priority', 'attempt', 'maxAttempts',
  'queuedAt', 'startedAt', 'finishedAt', 'durationMs', 'error', 'retryOf', 'replayOf', 'causedBy', 'workerId', 'payload',
] as const;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled.
 * Text starting with `=`, `+`, `-`, `@`, tab or CR is prefixed with `'` so a spreadsheet shows
 * it instead of running it as a formula (OWASP's advice for CSV injection).
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

function csvRow(run: JobRun): string {
  const dto = toRunDto(run);
  return csvLine(runCsvColumns.map((column) => dto[column]));
}

/**
 * The filtered runs as CSV or NDJSON, read from PostgreSQL a page at a time as the client
 * reads (a pull stream: the next page is fetched only when the last one has been taken), so
 * an export of any size holds one page in memory.
 */
export function runExportStream(query: RunExportQuery): ReadableStream<Uint8Array> {
  const { format, sort, ...filter } = query;
  const pages = runRows(filter, sort);
  const encoder = new TextEncoder();
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (format === 'csv' && !headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(csvLine(runCsvColumns)));
        return;
      }
      const next = await pages.next();
      if (next.done) {
        controller.close();
        return;
      }
      const text = next.value.map((run) => (format === 'csv' ? csvRow(run) : `${JSON.stringify(toRunDto(run))}\n`)).join('');
      controller.enqueue(encoder.encode(text));
    },
    async cancel() {
      await pages.return(undefined);
    },
  });
}

export const runExportContentTypes = { csv: 'text/csv; charset=utf-8', ndjson: 'application/x-ndjson; charset=utf-8' } as const;
