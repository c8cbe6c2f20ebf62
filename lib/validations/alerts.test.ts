import { describe, expect, it } from 'vitest';
import { alertRulePatchSchema, alertRuleSchema } from './alerts.ts';

const base = { name: 'rule', scope: {}, channels: [{ type: 'dashboard' }] };
const fields = (body: unknown, schema: typeof alertRuleSchema | typeof alertRulePatchSchema = alertRuleSchema) => {
  const parsed = schema.safeParse(body);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('alert rule schemas', () => {
  it('take an e-mail channel with one address, and refuse one that is not an address or would reach the headers', () => {
    expect(fields({ ...base, condition: { type: 'run-failed' }, severity: 'critical', channels: [{ type: 'email', to: 'ops@example.com' }] })).toEqual([]);
    expect(fields({ ...base, condition: { type: 'run-failed' }, severity: 'critical', channels: [{ type: 'email', to: 'ops@example.com, boss@example.com' }] })).toEqual(['channels.0.to: an e-mail address such as ops@example.com']);
    expect(fields({ ...base, condition: { type: 'run-failed' }, severity: 'critical', channels: [{ type: 'email', to: 'ops@example.com\r\nBcc: x@example.com' }] })).toEqual(['channels.0.to: an e-mail address such as ops@example.com']);
  });

  it('need at least one limit on a worker-resources condition', () => {
    expect(fields({ ...base, condition: { type: 'worker-resources', forMinutes: 5 }, severity: 'warning' })).toEqual(['condition.rssMb: Set at least one threshold: memory, CPU or event-loop lag']);
    expect(fields({ ...base, condition: { type: 'worker-resources', eventLoopLagMs: 200, forMinutes: 5 }, severity: 'warning' })).toEqual([]);
  });

  it('keep a completed notice from being critical, and escalation to critical rules, on create and in a patch', () => {
    expect(fields({ ...base, condition: { type: 'run-completed' }, severity: 'critical' })).toEqual(['severity: A completed notice is info or warning, not critical']);
    const escalation = { afterMinutes: 10, channels: [{ type: 'email', to: 'lead@example.com' }] };
    expect(fields({ ...base, condition: { type: 'run-failed' }, severity: 'warning', escalation })).toEqual(['escalation: Only critical alerts escalate (they are the ones acknowledged)']);
    expect(fields({ ...base, condition: { type: 'run-failed' }, severity: 'critical', escalation })).toEqual([]);
    expect(fields({ severity: 'warning', escalation }, alertRulePatchSchema)).toEqual(['escalation: Only critical alerts escalate (they are the ones acknowledged)']);
    expect(fields({ escalation: { afterMinutes: 0, channels: [{ type: 'dashboard' }] } }, alertRulePatchSchema)).toEqual(expect.arrayContaining([expect.stringMatching(/^escalation\.afterMinutes/), expect.stringMatching(/^escalation\.channels\.0\.type/)]));
    expect(fields({ escalation: null }, alertRulePatchSchema)).toEqual([]);
  });
});
