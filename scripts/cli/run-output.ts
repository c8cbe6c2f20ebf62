import type { KickoffJob, KickoffRun, KickoffRunDetail, KickoffRunEvent } from '../../lib/client/kickoff-client.ts';
import { formatDuration } from '../../lib/format-duration.ts';

/** How the CLI prints jobs, runs and log lines for people (`--json` prints the API's bodies instead). */

/** Columns padded to their widest cell; the last column is not padded. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

const time = (iso: string | null | undefined) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '—');
const compact = (value: unknown) => (value === undefined || value === null ? '—' : JSON.stringify(value));

export function jobsTable(jobs: KickoffJob[]): string {
  return table(
    ['JOB', 'CATEGORY', 'SCHEDULE', 'STATE', 'LAST RUN'],
    jobs.map((job) => [
      job.name,
      job.category,
      job.schedule?.words ?? 'manual only',
      !job.enabled ? 'disabled' : job.pausedUntil && Date.parse(job.pausedUntil) > Date.now() ? `paused until ${time(job.pausedUntil)}` : 'enabled',
      job.lastRun ? `${job.lastRun.status} ${time(job.lastRun.queuedAt)}` : '—',
    ]),
  );
}

export function runsTable(runs: KickoffRun[]): string {
  if (runs.length === 0) return 'No runs match.';
  return table(
    ['RUN', 'JOB', 'STATUS', 'TRIGGER', 'QUEUED', 'DURATION'],
    runs.map((run) => [run.id, run.jobName, run.status, run.trigger, time(run.queuedAt), formatDuration(run.durationMs)]),
  );
}

export function runDetails(run: KickoffRunDetail): string {
  const rows: [string, string][] = [
    ['run', run.id],
    ['job', run.jobName],
    ['status', `${run.status} (attempt ${run.attempt} of ${run.maxAttempts})`],
    ['trigger', [run.trigger, run.source && `source ${run.source}`, run.actor && `by ${run.actor}`].filter(Boolean).join(' · ')],
  ];
  if (run.requestId) rows.push(['request', run.requestId]);
  rows.push(
    ['queued', time(run.queuedAt)],
    ['started', time(run.startedAt)],
    ['finished', time(run.finishedAt)],
    ['duration', formatDuration(run.durationMs)],
    ['progress', `${run.progress}%${run.phase ? ` · phase ${run.phase}` : ''}`],
  );
  if (run.workerId) rows.push(['worker', run.workerId]);
  if (Object.keys(run.counters).length > 0) rows.push(['counters', Object.entries(run.counters).map(([name, n]) => `${name} ${n}`).join(', ')]);
  rows.push(['payload', compact(run.payload)]);
  if (run.result !== null && run.result !== undefined) rows.push(['result', compact(run.result)]);
  if (run.error) rows.push(['error', run.error]);
  if (run.retryOf) rows.push(['retry of', run.retryOf]);
  if (run.retriedBy.length > 0) rows.push(['retried by', run.retriedBy.join(', ')]);
  if (run.causedBy) rows.push(['caused by', run.causedBy]);
  if (run.caused.length > 0) rows.push(['caused', run.caused.map((caused) => `${caused.jobName} ${caused.id}`).join(', ')]);
  for (const attempt of run.attempts) {
    rows.push([`attempt ${attempt.attempt}`, [time(attempt.at), attempt.workerId, attempt.error].filter(Boolean).join(' · ')]);
  }
  rows.push(['log', `${run.events.length} line${run.events.length === 1 ? '' : 's'} (kickoff logs ${run.id})`]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}

export function eventLine(event: KickoffRunEvent): string {
  const fields = event.fields && typeof event.fields === 'object' && Object.keys(event.fields).length > 0 ? `  ${JSON.stringify(event.fields)}` : '';
  const attempt = event.attempt > 1 ? ` [attempt ${event.attempt}]` : '';
  // Log lines keep their milliseconds; several land within one second.
  return `${event.at.replace('T', ' ')}  ${event.level.padEnd(5)}${attempt}  ${event.message}${fields}`;
}

/** One line while a run is waited for: its status, attempt, progress and phase. */
export function progressLine(run: KickoffRunDetail): string {
  const parts: string[] = [run.status];
  if (run.status !== 'queued') parts.push(`attempt ${run.attempt}/${run.maxAttempts}`, `${run.progress}%`);
  if (run.phase) parts.push(`phase ${run.phase}`);
  return `${run.jobName} ${run.id}: ${parts.join(' · ')}`;
}

/** The last line of a waited-for run. */
export function outcomeLine(run: KickoffRunDetail): string {
  const took = run.durationMs === null ? '' : ` in ${formatDuration(run.durationMs)}`;
  switch (run.status) {
    case 'completed':
      return `${run.jobName} ${run.id} completed${took}${run.result === null || run.result === undefined ? '' : `: ${compact(run.result)}`}`;
    case 'failed':
      return `${run.jobName} ${run.id} failed${took} (attempt ${run.attempt} of ${run.maxAttempts}): ${run.error ?? 'no error message'}`;
    case 'skipped':
      return `${run.jobName} ${run.id} was skipped: ${run.error ?? 'no reason given'}`;
    default:
      return `${run.jobName} ${run.id} was ${run.status}${took}`;
  }
}
