import { describe, expect, it } from 'vitest';
import { defaultSettings, type Settings } from '../settings.ts';
import { askerOf, decide, exclusiveOutcome, pausedReason, type PolicyInput } from './run-policy.ts';
import { runTriggers } from './run-state.ts';

const settings = (patch: Partial<Settings> = {}): Settings => ({ ...defaultSettings(), ...patch });
const job = { name: 'probe', enabled: true, pausedUntil: null };
const now = new Date('2026-12-01T10:00:00Z');
const base = (patch: Partial<PolicyInput>): PolicyInput => ({ stage: 'request', asker: 'person', via: 'manual', settings: settings(), job, now, ...patch });

describe('the run policy', () => {
  it('knows who asked from the trigger', () => {
    expect(Object.fromEntries(runTriggers.map((trigger) => [trigger, askerOf(trigger)]))).toEqual({
      schedule: 'schedule',
      manual: 'person',
      api: 'person',
      retry: 'person',
      dependency: 'system',
      event: 'system',
    });
  });

  it('while paused: refuses people, skips scheduled fires, holds the rest — and holds everything at the start stage but a fire', () => {
    const paused = settings({ 'engine.paused': true });
    expect(decide(base({ settings: paused }))).toEqual({ kind: 'refuse', code: 'paused', reason: pausedReason });
    expect(decide(base({ settings: paused, asker: 'schedule', stage: 'start' }))).toEqual({ kind: 'skip', reason: pausedReason });
    expect(decide(base({ settings: paused, asker: 'system' }))).toEqual({ kind: 'hold', reason: pausedReason });
    expect(decide(base({ settings: paused, stage: 'start' }))).toEqual({ kind: 'hold', reason: pausedReason });
    expect(decide(base({ settings: paused, asker: 'schedule', stage: 'start', laterAttempt: true }))).toEqual({ kind: 'hold', reason: pausedReason });
  });

  it('applies a trigger source to who asked, and a person accepted before it was switched off still runs', () => {
    expect(decide(base({ settings: settings({ 'triggers.manual': false }) }))).toMatchObject({ kind: 'refuse', code: 'triggers_off', reason: 'Manual triggers are switched off in Settings' });
    expect(decide(base({ via: 'api', settings: settings({ 'triggers.manual': false }) }))).toEqual({ kind: 'allow' });
    expect(decide(base({ via: 'api', settings: settings({ 'triggers.api': false }) }))).toMatchObject({ kind: 'refuse', code: 'triggers_off', reason: 'API triggers are switched off in Settings' });
    expect(decide(base({ stage: 'start', settings: settings({ 'triggers.manual': false }) }))).toEqual({ kind: 'allow' });
    expect(decide(base({ asker: 'schedule', stage: 'start', settings: settings({ 'triggers.schedule': false }) }))).toMatchObject({ kind: 'skip' });
    expect(decide(base({ asker: 'system', settings: settings({ 'triggers.schedule': false, 'triggers.manual': false, 'triggers.api': false }) }))).toEqual({ kind: 'allow' });
  });

  it("refuses people and skips the rest for the job's own switches, the hook included", () => {
    const disabled = { ...job, enabled: false };
    const pausedUntil = { ...job, pausedUntil: new Date(now.getTime() + 60_000) };
    const hook = () => ({ code: 'stats_source_off', reason: 'Off in Settings' });
    expect(decide(base({ job: disabled }))).toMatchObject({ kind: 'refuse', code: 'job_disabled', reason: 'Job "probe" is disabled; enable it to run it' });
    expect(decide(base({ job: pausedUntil }))).toMatchObject({ kind: 'refuse', code: 'job_paused' });
    expect(decide(base({ job: { ...job, pausedUntil: new Date(now.getTime() - 1) } }))).toEqual({ kind: 'allow' });
    expect(decide(base({ hook }))).toEqual({ kind: 'refuse', code: 'stats_source_off', reason: 'Off in Settings' });
    expect(decide(base({ hook: () => 'plain reason' }))).toEqual({ kind: 'refuse', code: 'job_policy', reason: 'plain reason' });
    for (const asker of ['schedule', 'system'] as const) {
      expect(decide(base({ asker, job: disabled }))).toMatchObject({ kind: 'skip' });
      expect(decide(base({ asker, stage: 'start', hook }))).toEqual({ kind: 'skip', reason: 'Off in Settings' });
    }
    // A person's accepted run whose job was switched off meanwhile: skipped when it would start.
    expect(decide(base({ stage: 'start', job: disabled }))).toMatchObject({ kind: 'skip' });
    // A later attempt of a run already started is only held while paused.
    expect(decide(base({ stage: 'start', job: disabled, laterAttempt: true }))).toEqual({ kind: 'allow' });
  });

  it('hands the hook the parsed payload, the settings and who asked', () => {
    const seen: unknown[] = [];
    decide(base({ asker: 'system', payload: { source: 'post-match' }, hook: (context) => (seen.push(context), null) }));
    expect(seen).toEqual([{ payload: { source: 'post-match' }, settings: settings(), asker: 'system' }]);
  });

  it('says what an exclusive job does for each asker at each stage', () => {
    expect([exclusiveOutcome('request', 'person'), exclusiveOutcome('request', 'system'), exclusiveOutcome('request', 'schedule')]).toEqual(['refuse', 'coalesce', 'skip']);
    expect([exclusiveOutcome('start', 'person'), exclusiveOutcome('start', 'system'), exclusiveOutcome('start', 'schedule')]).toEqual(['wait', 'wait', 'skip']);
  });
});
