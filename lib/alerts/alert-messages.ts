import { formatDuration } from '../format-duration.ts';

/**
 * Alert texts for Telegram (HTML parse mode). Everything that comes from a job, a run or a
 * person is escaped; every message about a run links to its page.
 */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A delivery is given up after this many attempts; its last error stays on the dashboard. */
export const maxDeliveryAttempts = 8;

/** What an alert says: a short title for the dashboard and the Telegram text. */
export interface AlertMessage {
  title: string;
  text: string;
}

const utc = (date: Date) => `${date.toISOString().replace('T', ' ').slice(0, 19)} UTC`;
const bold = (text: string) => `<b>${escapeHtml(text)}</b>`;
const runLink = (publicUrl: string, runId: string, label = 'Open the run') =>
  `<a href="${escapeHtml(`${publicUrl.replace(/\/$/, '')}/runs/${encodeURIComponent(runId)}`)}">${label}</a>`;
const jobLink = (publicUrl: string, jobName: string) =>
  `<a href="${escapeHtml(`${publicUrl.replace(/\/$/, '')}/jobs/${encodeURIComponent(jobName)}`)}">Open the job</a>`;

export interface FailedRunFacts {
  jobName: string;
  runId: string;
  finishedAt: Date;
  durationMs: number | null;
  error: string | null;
  /** The last attempt's stack; its first frames go into the message. */
  stack?: string | null;
  attempt: number;
  maxAttempts: number;
}

/** The first `frames` frames of a stack (`at …` lines), each cut to a readable length; null when it has none. */
export function stackExcerpt(stack: string | null | undefined, frames = 5): string | null {
  const lines = (stack ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('at '));
  if (lines.length === 0) return null;
  const shown = lines.slice(0, frames).map((line) => (line.length > 200 ? `${line.slice(0, 199)}…` : line));
  return lines.length > frames ? [...shown, `… ${lines.length - frames} more`].join('\n') : shown.join('\n');
}

/**
 * A failed run: the error and the first frames of its stack (escaped). The message goes to the
 * operator's own channels (Telegram, e-mail); the dashboard lists alerts by title only, and the
 * whole stack is on the run's page.
 */
export function runFailedMessage(run: FailedRunFacts, publicUrl: string): AlertMessage {
  const frames = stackExcerpt(run.stack);
  return {
    title: `${run.jobName} failed`,
    text: [
      `🔴 ${bold(run.jobName)} failed`,
      `at ${utc(run.finishedAt)} after ${formatDuration(run.durationMs)}, attempt ${run.attempt} of ${run.maxAttempts}`,
      `<pre>${escapeHtml((run.error ?? 'no error message').slice(0, 1_000))}</pre>`,
      ...(frames ? [`<pre>${escapeHtml(frames)}</pre>`] : []),
      runLink(publicUrl, run.runId),
    ].join('\n'),
  };
}

export interface CompletedRunFacts {
  jobName: string;
  runId: string;
  finishedAt: Date;
  durationMs: number | null;
  attempt: number;
  result: unknown;
  counters: unknown;
}

/** A run that completed (the opt-in notice): how long it took and what it counted. */
export function runCompletedMessage(run: CompletedRunFacts, publicUrl: string): AlertMessage {
  const processed = (run.result as { processed?: unknown } | null)?.processed;
  const counters = Object.entries((run.counters ?? {}) as Record<string, unknown>)
    .filter(([, value]) => typeof value === 'number')
    .slice(0, 8)
    .map(([name, value]) => `${escapeHtml(name)} ${String(value)}`);
  return {
    title: `${run.jobName} completed`,
    text: [
      `✅ ${bold(run.jobName)} completed in ${formatDuration(run.durationMs)}`,
      `at ${utc(run.finishedAt)}${run.attempt > 1 ? `, on attempt ${run.attempt}` : ''}${typeof processed === 'number' ? `, ${processed} records processed` : ''}`,
      ...(counters.length > 0 ? [counters.join(' · ')] : []),
      runLink(publicUrl, run.runId),
    ].join('\n'),
  };
}

/** One resource of a worker over its limit. */
export interface ResourceOver {
  resource: 'memory' | 'CPU' | 'event-loop lag';
  value: string;
  limit: string;
  forMs: number;
}

export function workerResourcesMessage(worker: { id: string; host: string }, over: ResourceOver[]): AlertMessage {
  return {
    title: `Worker ${worker.id}: ${over.map((entry) => `${entry.resource} ${entry.value}`).join(', ')}`,
    text: [
      `🔥 Worker ${bold(worker.id)} on ${bold(worker.host)} is over its limits`,
      ...over.map((entry) => `• ${entry.resource} ${entry.value} (limit ${entry.limit}) for ${formatDuration(entry.forMs)}`),
    ].join('\n'),
  };
}

/** A job's latest run reported data-quality problems (its `problems` counter, and the list in its result). */
export function dataQualityMessage(run: { jobName: string; runId: string; finishedAt: Date; problems: number; listed: string[] }, publicUrl: string): AlertMessage {
  const shown = run.listed.slice(0, 5);
  return {
    title: `${run.jobName}: ${run.problems} data ${run.problems === 1 ? 'problem' : 'problems'}`,
    text: [
      `🧪 ${bold(run.jobName)} found ${run.problems} data ${run.problems === 1 ? 'problem' : 'problems'} in its run at ${utc(run.finishedAt)}`,
      ...shown.map((problem) => `• ${escapeHtml(problem.slice(0, 300))}`),
      ...(run.problems > shown.length ? [`… and ${run.problems - shown.length} more`] : []),
      runLink(publicUrl, run.runId),
    ].join('\n'),
  };
}

export function longRunningMessage(run: { jobName: string; runId: string; startedAt: Date; progress: number; phase: string | null }, thresholdMs: number, now: Date, publicUrl: string): AlertMessage {
  const elapsed = formatDuration(now.getTime() - run.startedAt.getTime());
  return {
    title: `${run.jobName} running for ${elapsed}`,
    text: [
      `🐢 ${bold(run.jobName)} is still running after ${elapsed} (threshold ${formatDuration(thresholdMs)})`,
      `started ${utc(run.startedAt)}, progress ${run.progress} %${run.phase ? `, phase ${bold(run.phase)}` : ''}`,
      runLink(publicUrl, run.runId),
    ].join('\n'),
  };
}

export function errorRateMessage(jobName: string, failed: number, total: number, windowMinutes: number, threshold: number, publicUrl: string): AlertMessage {
  const rate = Math.round((failed / total) * 100);
  return {
    title: `${jobName}: ${rate} % of runs failed`,
    text: [`📈 ${bold(jobName)}: ${failed} of ${total} runs failed in the last ${windowMinutes} min (${rate} %, threshold ${Math.round(threshold * 100)} %)`, jobLink(publicUrl, jobName)].join('\n'),
  };
}

export function consecutiveFailuresMessage(jobName: string, count: number, lastRun: { id: string; error: string | null }, publicUrl: string): AlertMessage {
  return {
    title: `${jobName} failed ${count} times in a row`,
    text: [`🔁 ${bold(jobName)} failed ${count} times in a row`, `<pre>${escapeHtml((lastRun.error ?? 'no error message').slice(0, 500))}</pre>`, runLink(publicUrl, lastRun.id, 'Open the last run')].join('\n'),
  };
}

export function missedScheduleMessage(jobName: string, dueAt: Date, graceMinutes: number, publicUrl: string): AlertMessage {
  return {
    title: `${jobName} did not run when due`,
    text: [`⏰ ${bold(jobName)} was due at ${utc(dueAt)} and has produced no run ${graceMinutes} min later`, jobLink(publicUrl, jobName)].join('\n'),
  };
}

export function backlogMessage(queue: string, waiting: number, threshold: number, sinceMs: number): AlertMessage {
  return {
    title: `Queue ${queue}: ${waiting} waiting`,
    text: `📦 Queue ${bold(queue)} has ${waiting} runs waiting, above ${threshold} for ${formatDuration(sinceMs)}`,
  };
}

export function workerOfflineMessage(worker: { id: string; host: string; lastSeenAt: Date }, now: Date): AlertMessage {
  return {
    title: `Worker ${worker.id} offline`,
    text: `💤 Worker ${bold(worker.id)} on ${bold(worker.host)} has sent no heartbeat for ${formatDuration(now.getTime() - worker.lastSeenAt.getTime())} (last ${utc(worker.lastSeenAt)})`,
  };
}

/** No worker is running at all: every one stopped (or none ever started), so no job runs. */
export function noWorkerMessage(last: { id: string; host: string; lastSeenAt: Date } | null, now: Date): AlertMessage {
  if (!last) return { title: 'No worker running', text: '💤 <b>No worker running</b>: no worker has ever reported to Kickoff, so no job runs. Start one with <code>npm run worker</code>.' };
  return {
    title: 'No worker running',
    text: `💤 <b>No worker running</b>: none has sent a heartbeat for ${formatDuration(now.getTime() - last.lastSeenAt.getTime())}, so no job runs (the last was ${bold(last.id)} on ${bold(last.host)}, ${utc(last.lastSeenAt)})`,
  };
}

/** A critical alert nobody has acknowledged yet, sent again. */
export function reminderMessage(alert: { message: string; count: number; firstAt: Date }): string {
  return `⏳ <b>Still open</b>, not acknowledged (${alert.count}× since ${utc(alert.firstAt)})\n\n${alert.message}`;
}

/** A critical alert nobody acknowledged in time, sent to the rule's escalation channels. */
export function escalationMessage(alert: { message: string; count: number; firstAt: Date }, afterMinutes: number): string {
  return `🚨 <b>Escalated</b>: nobody acknowledged this for ${afterMinutes} min (open since ${utc(alert.firstAt)}, ${alert.count}×)\n\n${alert.message}`;
}

/** The hourly digest of warnings for one channel, grouped by job (the alert's subject). */
export function digestMessage(alerts: { subject: string; title: string; count: number; lastAt: Date }[]): string {
  const bySubject = new Map<string, typeof alerts>();
  for (const alert of alerts) bySubject.set(alert.subject, [...(bySubject.get(alert.subject) ?? []), alert]);
  const sections = [...bySubject].map(([subject, group]) => {
    const lines = group.map((alert) => `• ${escapeHtml(alert.title)}${alert.count > 1 ? ` (${alert.count}×)` : ''}, last ${utc(alert.lastAt)}`);
    return `${bold(subject)}\n${lines.join('\n')}`;
  });
  return `🟡 <b>Kickoff warnings</b>: ${alerts.length} in ${bySubject.size} ${bySubject.size === 1 ? 'job' : 'jobs'}\n\n${sections.join('\n\n')}`;
}

export function acknowledgedNote(by: string, at: Date): string {
  return `\n\n✅ Acknowledged by ${bold(by)} at ${utc(at)}`;
}

export function testMessage(by: string, at: Date, where = 'this chat'): string {
  return `✅ Test message from Kickoff, sent by ${bold(by)} at ${utc(at)}. Alerts for ${where} will look like this one.`;
}
