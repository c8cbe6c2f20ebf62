import { escapeHtml } from './alert-messages.ts';
import type { EmailMessage } from './email-channel.ts';

/**
 * An alert as an e-mail. The alert texts are written once, in Telegram's HTML subset
 * (lib/alerts/alert-messages.ts: `<b>`, `<a href>`, `<pre>`, `<code>`, everything from a job or
 * a run escaped), and the e-mail carries that same HTML plus a plain-text part made from it.
 */

export type DeliveryKind = 'alert' | 'reminder' | 'escalation';

const kindPrefix: Record<DeliveryKind, string> = { alert: '', reminder: 'Still open: ', escalation: 'Escalated: ' };

/** A header value on one line: a job name or an error cannot add headers or break the subject. */
const oneLine = (text: string) => text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, 200);

/**
 * The plain-text part. The markup is Kickoff's own and small, so a few replacements read it
 * exactly: links become "label: address", tags go, the four escapes are undone (`&amp;` last).
 */
export function plainText(html: string): string {
  return html
    .replace(/<a href="([^"]*)">([^<]*)<\/a>/g, (_match, href: string, label: string) => `${label}: ${href}`)
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

function body(html: string, footer: string | null): Pick<EmailMessage, 'html' | 'text'> {
  return {
    html: [
      '<!doctype html><html><body style="font-family: system-ui, sans-serif; font-size: 14px; line-height: 1.45">',
      `<div style="white-space: pre-wrap">${html}</div>`,
      footer ? `<p style="color: #475569">${footer}</p>` : '',
      '</body></html>',
    ].join('\n'),
    text: `${plainText(html)}${footer ? `\n\n${plainText(footer)}` : ''}\n`,
  };
}

/** One alert's message (`text`, as sent to Telegram) as an e-mail; an alert still open says where to acknowledge it. */
export function alertEmail(alert: { severity: string; title: string; status: string }, kind: DeliveryKind, text: string, publicUrl: string): EmailMessage {
  const alertsPage = `${publicUrl.replace(/\/$/, '')}/alerts`;
  const footer = alert.status === 'open' ? `Acknowledge it on the <a href="${escapeHtml(alertsPage)}">Alerts page</a> so nobody else is called.` : null;
  return { subject: oneLine(`[Kickoff ${alert.severity}] ${kindPrefix[kind]}${alert.title}`), ...body(text, footer) };
}

/** The hourly digest of warnings for one address. */
export function digestEmail(count: number, text: string): EmailMessage {
  return { subject: `[Kickoff warning] ${count} ${count === 1 ? 'warning' : 'warnings'}`, ...body(text, null) };
}
