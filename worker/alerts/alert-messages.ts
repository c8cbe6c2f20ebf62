/** Alert texts for Telegram (HTML parse mode): everything that comes from a job is escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface FailedRunFacts {
  jobName: string;
  runId: string;
  finishedAt: Date;
  durationMs: number | null;
  error: string | null;
  attempt: number;
  maxAttempts: number;
}

export function runFailedMessage(run: FailedRunFacts, publicUrl: string): { title: string; text: string } {
  const title = `${run.jobName} failed`;
  const duration = run.durationMs == null ? '—' : run.durationMs < 1_000 ? `${run.durationMs} ms` : `${(run.durationMs / 1_000).toFixed(1)} s`;
  const text = [
    `🔴 <b>${escapeHtml(run.jobName)}</b> failed`,
    `at ${run.finishedAt.toISOString().replace('T', ' ').slice(0, 19)} UTC after ${duration}, attempt ${run.attempt} of ${run.maxAttempts}`,
    `<pre>${escapeHtml((run.error ?? 'no error message').slice(0, 1_000))}</pre>`,
    `<a href="${escapeHtml(`${publicUrl.replace(/\/$/, '')}/runs/${encodeURIComponent(run.runId)}`)}">Open the run</a>`,
  ].join('\n');
  return { title, text };
}
