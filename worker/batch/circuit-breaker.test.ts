import { describe, expect, it } from 'vitest';
import { CircuitBreaker, CircuitOpenError } from './circuit-breaker.ts';

const ok = async () => 'ok';
const boom = async () => {
  throw new Error('boom');
};

describe('CircuitBreaker', () => {
  it('opens at the failure threshold, refuses while open, half-opens after the wait, and closes after three good trials', async () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 0.3, minimumCalls: 5, halfOpenAfterMs: 30_000, halfOpenTrialCalls: 3, now: () => now });
    for (const call of [ok, ok, ok, boom]) await breaker.execute(call).catch(() => {});
    expect(breaker.state).toBe('closed'); // 1 of 4: too few calls
    await breaker.execute(boom).catch(() => {}); // 2 of 5 = 40 %
    expect(breaker.state).toBe('open');
    let called = false;
    await expect(breaker.execute(async () => (called = true))).rejects.toBeInstanceOf(CircuitOpenError);
    expect(called).toBe(false);
    now += 29_999;
    expect(breaker.state).toBe('open');
    now += 1;
    expect(breaker.state).toBe('half-open');
    for (let trial = 0; trial < 3; trial += 1) await breaker.execute(ok);
    expect(breaker.state).toBe('closed');
    expect(breaker.opened).toBe(1);
  });

  it('opens again when a half-open trial fails, and lets no more than the trial calls through', async () => {
    let now = 0;
    const breaker = new CircuitBreaker({ minimumCalls: 2, halfOpenAfterMs: 1_000, now: () => now });
    await breaker.execute(boom).catch(() => {});
    await breaker.execute(boom).catch(() => {});
    expect(breaker.state).toBe('open');
    now += 1_000;
    const slow = () => new Promise<string>((resolve) => setTimeout(() => resolve('ok'), 20));
    const calls = await Promise.allSettled([1, 2, 3, 4].map(() => breaker.execute(slow)));
    expect(calls.filter((call) => call.status === 'fulfilled')).toHaveLength(3);
    expect(breaker.state).toBe('closed');
    await breaker.execute(boom).catch(() => {});
    await breaker.execute(boom).catch(() => {});
    now += 1_000;
    await breaker.execute(boom).catch(() => {});
    expect(breaker.state).toBe('open');
    expect(breaker.opened).toBe(3);
  });
});

describe('CircuitBreaker bookkeeping', () => {
  it('does not let a slow call from before it opened, or a trial of an earlier round, sway the current state', async () => {
    let now = 0;
    const breaker = new CircuitBreaker({ minimumCalls: 1, halfOpenAfterMs: 10, halfOpenTrialCalls: 2, now: () => now });
    let releaseSlow!: () => void;
    const slowFromClosed = breaker.execute(() => new Promise<void>((resolve) => (releaseSlow = resolve)));
    await breaker.execute(boom).catch(() => {});
    expect(breaker.state).toBe('open');
    now = 10;
    let releaseTrial!: () => void;
    const staleTrial = breaker.execute(() => new Promise<void>((resolve) => (releaseTrial = resolve)));
    await breaker.execute(boom).catch(() => {}); // the second trial fails: open again
    now = 20;
    expect(breaker.state).toBe('half-open');
    await breaker.execute(ok); // one good trial of this round
    releaseSlow();
    releaseTrial();
    await Promise.all([slowFromClosed, staleTrial]);
    expect(breaker.state).toBe('half-open'); // needs a second trial of its own
    await breaker.execute(ok);
    expect(breaker.stats()).toEqual({ state: 'closed', calls: 0, failures: 0, opened: 2, slowCalls: 0, retryInMs: 0 });
  });

  it('counts a synchronous throw as a failure, and tells when trials have settled', async () => {
    let now = 0;
    const breaker = new CircuitBreaker({ minimumCalls: 1, halfOpenAfterMs: 100, halfOpenTrialCalls: 1, now: () => now });
    await expect(
      breaker.execute(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(breaker.stats()).toMatchObject({ state: 'open', opened: 1, retryInMs: 100 });
    now = 100;
    let release!: () => void;
    const trial = breaker.execute(() => new Promise<void>((resolve) => (release = resolve)));
    const refused = await breaker.execute(ok).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(CircuitOpenError);
    expect((refused as CircuitOpenError).retryInMs).toBe(0);
    let settled = false;
    const waiting = breaker.trialsSettled().then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    release();
    await Promise.all([trial, waiting]);
    expect(settled).toBe(true);
    expect(breaker.state).toBe('closed');
  });
});

describe('CircuitBreaker latency threshold', () => {
  it('counts a call of slowCallMs or more as a failure while returning its value, and a slow trial opens it again', async () => {
    let now = 0;
    const breaker = new CircuitBreaker({ minimumCalls: 3, failureThreshold: 0.5, slowCallMs: 2_000, halfOpenAfterMs: 1_000, halfOpenTrialCalls: 1, now: () => now });
    const takes = (ms: number, value: string) => async () => {
      now += ms;
      return value;
    };
    expect(await breaker.execute(takes(1_999, 'in time'))).toBe('in time');
    expect(await breaker.execute(takes(2_000, 'late'))).toBe('late');
    expect(breaker.state).toBe('closed'); // 2 calls: too few
    expect(await breaker.execute(takes(2_500, 'late'))).toBe('late'); // 2 slow of 3
    expect(breaker.stats()).toMatchObject({ state: 'open', opened: 1, slowCalls: 2 });
    now += 1_000;
    expect(breaker.state).toBe('half-open');
    expect(await breaker.execute(takes(3_000, 'late trial'))).toBe('late trial');
    expect(breaker.stats()).toMatchObject({ state: 'open', opened: 2, slowCalls: 3 });
    now += 1_000;
    await breaker.execute(takes(10, 'quick trial'));
    expect(breaker.state).toBe('closed');
  });

  it('defaults to 2 s, the specification\'s latency threshold', async () => {
    let now = 0;
    const breaker = new CircuitBreaker({ minimumCalls: 1, now: () => now });
    await breaker.execute(async () => (now += 1_999));
    expect(breaker.state).toBe('closed');
    await breaker.execute(async () => (now += 2_000));
    expect(breaker.stats()).toMatchObject({ state: 'open', slowCalls: 1 });
  });
});
