import { describe, expect, it } from 'vitest';
import { alertEmail, digestEmail, plainText } from './alert-email.ts';
import { dataQualityMessage, runFailedMessage, stackExcerpt } from './alert-messages.ts';

const stack = [
  'Error: Upstream said <b>no</b>',
  '    at fetchTeams (file:///srv/kickoff/worker/jobs/league/teams-update.ts:41:11)',
  '    at async <anonymous> (file:///srv/kickoff/worker/run-context.ts:88:5)',
  '    at async Promise.all (index 0)',
  '    at async phase (file:///srv/kickoff/worker/make-run-context.ts:120:7)',
  '    at async handle (file:///srv/kickoff/worker/runner.ts:200:3)',
  '    at async process (file:///srv/kickoff/worker/runner.ts:150:3)',
  '    at async Worker.run (file:///srv/kickoff/node_modules/bullmq/dist/esm/classes/worker.js:500:9)',
].join('\n');

describe('stack excerpts', () => {
  it('keeps the first five frames, says how many it left out, and has none when the stack has none', () => {
    expect(stackExcerpt(stack)).toBe(
      ['at fetchTeams (file:///srv/kickoff/worker/jobs/league/teams-update.ts:41:11)', 'at async <anonymous> (file:///srv/kickoff/worker/run-context.ts:88:5)', 'at async Promise.all (index 0)', 'at async phase (file:///srv/kickoff/worker/make-run-context.ts:120:7)', 'at async handle (file:///srv/kickoff/worker/runner.ts:200:3)', '… 2 more'].join('\n'),
    );
    expect(stackExcerpt('Error: no frames here')).toBeNull();
    expect(stackExcerpt(null)).toBeNull();
    expect(stackExcerpt(`Error\n    at ${'x'.repeat(500)}`)!.length).toBe(200);
  });

  it('goes into the failure message escaped, after the error', () => {
    const { text } = runFailedMessage({ jobName: 'teams-update', runId: 'r1', finishedAt: new Date('2026-12-01T10:00:00Z'), durationMs: 1_200, error: 'Upstream said <b>no</b>', stack, attempt: 4, maxAttempts: 4 }, 'http://kickoff.test');
    expect(text).toContain('<pre>Upstream said &lt;b&gt;no&lt;/b&gt;</pre>\n<pre>at fetchTeams');
    expect(text).toContain('at async &lt;anonymous&gt; (file:///srv/kickoff/worker/run-context.ts:88:5)');
    expect(text).not.toContain('<anonymous>');
  });
});

describe('alert e-mails', () => {
  const failure = runFailedMessage({ jobName: 'teams-update', runId: 'r 1', finishedAt: new Date('2026-12-01T10:00:00Z'), durationMs: 1_200, error: 'a & b', attempt: 1, maxAttempts: 1 }, 'http://kickoff.test/?x=1&y=2');

  it('carries the alert’s HTML, a plain-text part with the links spelled out, and where to acknowledge an open alert', () => {
    const mail = alertEmail({ severity: 'critical', title: failure.title, status: 'open' }, 'alert', failure.text, 'http://kickoff.test');
    expect(mail.subject).toBe('[Kickoff critical] teams-update failed');
    expect(mail.html).toContain('<a href="http://kickoff.test/?x=1&amp;y=2/runs/r%201">Open the run</a>');
    expect(mail.text).toContain('Open the run: http://kickoff.test/?x=1&y=2/runs/r%201');
    expect(mail.text).toContain('a & b');
    expect(mail.text).toContain('Acknowledge it on the Alerts page: http://kickoff.test/alerts');
    expect(alertEmail({ severity: 'warning', title: 'probe completed', status: 'resolved' }, 'alert', 'done', 'http://kickoff.test').text).not.toContain('Acknowledge');
  });

  it('says in the subject what kind of message it is, on one line whatever the title holds', () => {
    expect(alertEmail({ severity: 'critical', title: 'probe failed', status: 'open' }, 'reminder', 'x', 'http://k').subject).toBe('[Kickoff critical] Still open: probe failed');
    expect(alertEmail({ severity: 'critical', title: 'probe failed', status: 'open' }, 'escalation', 'x', 'http://k').subject).toBe('[Kickoff critical] Escalated: probe failed');
    expect(alertEmail({ severity: 'critical', title: 'bad\r\nBcc: victim@example.com', status: 'open' }, 'alert', 'x', 'http://k').subject).toBe('[Kickoff critical] bad Bcc: victim@example.com');
    expect(digestEmail(3, 'x').subject).toBe('[Kickoff warning] 3 warnings');
  });

  it('reads back only Kickoff’s own markup', () => {
    expect(plainText('<b>x</b> &lt;script&gt; &amp;lt; <a href="http://a/?b=1&amp;c=2">Open</a>')).toBe('x <script> &lt; Open: http://a/?b=1&c=2');
  });
});

describe('data-quality messages', () => {
  it('list the first five problems escaped and count the rest', () => {
    const { title, text } = dataQualityMessage({ jobName: 'leaderboard-validation', runId: 'r1', finishedAt: new Date('2026-12-01T10:00:00Z'), problems: 7, listed: ['league <1>: rank 1 twice', 'b', 'c', 'd', 'e', 'f'] }, 'http://kickoff.test');
    expect(title).toBe('leaderboard-validation: 7 data problems');
    expect(text).toContain('• league &lt;1&gt;: rank 1 twice');
    expect(text).not.toContain('• f');
    expect(text).toContain('… and 2 more');
  });
});
