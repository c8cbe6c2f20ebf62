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
  attempt: number;
  maxAttempts: number;
}

export function runFailedMessage(run: FailedRunFacts, publicUrl: string): AlertMessage {
  return {
    title: `${run.jobName} failed`,
    text: [
      `🔴 ${bold(run.jobName)} failed`,
      `at ${utc(run.finishedAt)} after ${formatDuration(run.durationMs)}, attempt ${run.attempt} of ${run.maxAttempts}`,
      `<pre>${escapeHtml((run.error ?? 'no error message').slice(0, 1_000))}</pre>`,
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

export function testMessage(by: string, at: Date): string {
  return `✅ Test message from Kickoff, sent by ${bold(by)} at ${utc(at)}. Alerts for this chat will look like this one.`;
}
