/**
 * Who may silence an alert, and what non-admins see of where alerts go: acknowledging or
 * resolving needs a grant for the alert's job (or its category, or the queue's category); an
 * alert about no job needs an admin or `*`. Webhook URLs reach admins only; everyone else
 * sees the scheme and host.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { apiRequest, createTestApiKey, routeParams } from '@/scripts/test/api-keys.ts';
import { db } from '@/lib/db.ts';
import { GET as listRules } from '../alert-rules/route.ts';
import { POST as alertAction } from './[id]/[action]/route.ts';
import { GET as listAlerts } from './route.ts';

useOwnQueuePrefix('alert-grants');
const none = routeParams({} as Record<string, never>);
const secretUrl = 'https://hooks.example.com/services/T000/B000/XXXXsecretXXXX?token=abc';
const keys: Record<string, string> = {};

beforeAll(async () => {
  keys.admin = await createTestApiKey('admin');
  keys.probe = await createTestApiKey('operator', ['probe']);
  keys.stats = await createTestApiKey('operator', ['category:stats']);
  keys.analysis = await createTestApiKey('operator', ['category:analysis']);
  keys.everything = await createTestApiKey('operator', ['*']);
  keys.viewer = await createTestApiKey('viewer');
});
afterAll(() => db().$disconnect());

async function openAlert(subject: string) {
  return db().alert.create({
    data: {
      ruleId: `grants-${randomUUID()}`,
      subject,
      severity: 'critical',
      title: `${subject} failed`,
      message: 'x',
      deliveries: { create: [{ channel: { type: 'webhook', url: secretUrl }, attempts: 1 }, { channel: { type: 'telegram', chatId: '-100' }, attempts: 1 }] },
    },
  });
}

const act = (id: string, action: 'ack' | 'resolve', who: string) => alertAction(apiRequest(`/api/alerts/${id}/${action}`, keys[who]!, { method: 'POST' }), routeParams({ id, action }));

describe('acknowledging and resolving an alert', () => {
  const cases: { subject: string; allowed: string[]; refused: string[] }[] = [
    { subject: 'probe', allowed: ['admin', 'probe', 'everything'], refused: ['stats', 'analysis', 'viewer'] },
    { subject: 'stats-update', allowed: ['admin', 'stats', 'everything'], refused: ['probe', 'analysis', 'viewer'] },
    { subject: 'tracked-entry-updater', allowed: ['admin', 'analysis', 'everything'], refused: ['probe', 'stats'] },
    { subject: 'queue:analysis', allowed: ['admin', 'analysis', 'everything'], refused: ['probe', 'stats'] },
    { subject: `worker:${randomUUID()}`, allowed: ['admin', 'everything'], refused: ['probe', 'stats', 'analysis'] },
    { subject: 'a-job-gone-from-the-catalog', allowed: ['admin', 'everything'], refused: ['probe', 'analysis'] },
  ];

  for (const { subject, allowed, refused } of cases) {
    it(`about ${subject.replace(/worker:.*/, 'worker:<id>')}: ${allowed.join(', ')} may; ${refused.join(', ')} get 403 and change nothing`, async () => {
      for (const who of refused) {
        const alert = await openAlert(subject);
        for (const action of ['ack', 'resolve'] as const) {
          const response = await act(alert.id, action, who);
          expect(response.status, `${who} ${action}`).toBe(403);
          expect(((await response.json()) as { error: { code: string } }).error.code).toBe('forbidden');
        }
        expect(await db().alert.findUniqueOrThrow({ where: { id: alert.id } })).toMatchObject({ status: 'open', acknowledgedBy: null });
        expect(await db().auditLog.count({ where: { targetType: 'alert', targetId: alert.id } })).toBe(0);
      }
      for (const who of allowed) {
        const alert = await openAlert(subject);
        expect((await act(alert.id, 'ack', who)).status, `${who} ack`).toBe(200);
        expect((await act(alert.id, 'resolve', who)).status, `${who} resolve`).toBe(200);
        expect((await db().alert.findUniqueOrThrow({ where: { id: alert.id } })).status).toBe('resolved');
      }
    });
  }
});

describe('webhook URLs', () => {
  it('are shown in full to admins and as scheme and host to everyone else, in alerts\' deliveries', async () => {
    const alert = await openAlert('probe');
    const deliveryUrls = async (who: string) => {
      const { alerts } = (await (await listAlerts(apiRequest('/api/alerts?status=open', keys[who]!), none)).json()) as { alerts: { id: string; deliveries: { channel: { type: string; url?: string; chatId?: string } }[] }[] };
      return alerts.find((entry) => entry.id === alert.id)!.deliveries.map((delivery) => delivery.channel);
    };
    expect(await deliveryUrls('admin')).toContainEqual({ type: 'webhook', url: secretUrl });
    for (const who of ['viewer', 'probe']) {
      const channels = await deliveryUrls(who);
      expect(channels).toContainEqual({ type: 'webhook', url: 'https://hooks.example.com' });
      expect(channels).toContainEqual({ type: 'telegram', chatId: '-100' });
      expect(JSON.stringify(channels)).not.toMatch(/secret|token/);
    }
  });

  it('are shown in full to admins and as scheme and host to everyone else, in alert rules and their escalations', async () => {
    const rule = await db().alertRule.create({
      data: {
        name: `grants-${randomUUID()}`,
        condition: { type: 'run-failed' },
        scope: {},
        severity: 'critical',
        channels: [{ type: 'webhook', url: 'https://user:pass@hooks.example.com:8443/p/secret' }, { type: 'dashboard' }],
        escalation: { afterMinutes: 10, channels: [{ type: 'webhook', url: 'https://hooks.example.com/escalate?token=secret' }, { type: 'email', to: 'lead@example.com' }] },
      },
    });
    const ruleFor = async (who: string) => {
      const { rules } = (await (await listRules(apiRequest('/api/alert-rules', keys[who]!), none)).json()) as { rules: { id: string; channels: unknown[]; escalation: { channels: unknown[] } }[] };
      return rules.find((entry) => entry.id === rule.id)!;
    };
    const channelsFor = async (who: string) => (await ruleFor(who)).channels;
    expect((await ruleFor('admin')).escalation.channels).toEqual([{ type: 'webhook', url: 'https://hooks.example.com/escalate?token=secret' }, { type: 'email', to: 'lead@example.com' }]);
    expect((await ruleFor('viewer')).escalation.channels).toEqual([{ type: 'webhook', url: 'https://hooks.example.com' }, { type: 'email', to: 'lead@example.com' }]);
    expect(await channelsFor('admin')).toEqual([{ type: 'webhook', url: 'https://user:pass@hooks.example.com:8443/p/secret' }, { type: 'dashboard' }]);
    expect(await channelsFor('viewer')).toEqual([{ type: 'webhook', url: 'https://hooks.example.com:8443' }, { type: 'dashboard' }]);
    expect(await channelsFor('everything')).toEqual([{ type: 'webhook', url: 'https://hooks.example.com:8443' }, { type: 'dashboard' }]);
  });
});
