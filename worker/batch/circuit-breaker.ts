/**
 * A circuit breaker: after too many failures it stops calling (open), lets a few trial
 * calls through after a wait (half-open), and closes again when they all succeed. A call
 * slower than `slowCallMs` counts as a failure (its value is still returned): an upstream
 * that answers but crawls is treated as one that fails (Letletme, Concurrency Strategy §3.C:
 * `circuit.thresholds.latency`).
 *
 * Hand-written rather than cockatiel's CircuitBreakerPolicy (used for the alert channels), which
 * has the count window (CountBreaker) and several half-open trials (halfOpenSampling) but not
 * what the batch helper relies on: (1) an outcome counts only in the state it started in, while
 * cockatiel samples every outcome, so a slow call from before the circuit opened that fails
 * after it went half-open opens it again, and slow calls in flight are exactly what a latency
 * threshold produces; (2) `retryInMs`, which the batch reads to wait for the half-open state
 * before its next batch and to give up when the rest can no longer reach its ratio; (3) slow
 * calls counted as failures while their value is used; (4) an injectable clock.
 */
export interface CircuitBreakerOptions {
  /** Failure ratio over the last `windowSize` calls that opens the circuit. Default: 0.3. */
  failureThreshold: number;
  /** Calls needed in the window before the ratio counts. Default: 5. */
  minimumCalls: number;
  /** How many recent calls the ratio is taken over. Default: 20. */
  windowSize: number;
  /** How long the circuit stays open before trial calls. Default: 30 000 ms. */
  halfOpenAfterMs: number;
  /** Trial calls let through while half-open; all must succeed to close. Default: 3. */
  halfOpenTrialCalls: number;
  /** A call that takes this long or longer counts as a failure, though its value is returned. Default: 2000 ms. */
  slowCallMs: number;
  /** The clock, for tests. Default: Date.now. */
  now: () => number;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerStats {
  state: CircuitState;
  /** Calls in the current window (cleared when the circuit opens or closes). */
  calls: number;
  failures: number;
  /** How many times the circuit opened. */
  opened: number;
  /** Calls that succeeded but took `slowCallMs` or longer (each counted as a failure). */
  slowCalls: number;
  /** Milliseconds until an open circuit lets trial calls through; 0 unless open. */
  retryInMs: number;
}

/** Thrown by `execute` instead of calling while the circuit is open or its trial calls are taken. */
export class CircuitOpenError extends Error {
  /** `retryInMs` is 0 when the circuit is half-open and its trial calls are all in flight. */
  constructor(readonly retryInMs: number) {
    super(
      retryInMs > 0
        ? `Circuit open: too many failures; trying again in ${Math.ceil(retryInMs / 1000)} s`
        : 'Circuit half-open: its trial calls are in flight',
    );
    this.name = 'CircuitOpenError';
  }
}

export const defaultBreakerOptions: Omit<CircuitBreakerOptions, 'now'> = {
  failureThreshold: 0.3,
  minimumCalls: 5,
  windowSize: 20,
  halfOpenAfterMs: 30_000,
  halfOpenTrialCalls: 3,
  slowCallMs: 2_000,
};

export class CircuitBreaker {
  private readonly options: CircuitBreakerOptions;
  private outcomes: boolean[] = [];
  private openedAt = 0;
  private trials = { started: 0, succeeded: 0 };
  private readonly trialsInFlight = new Set<Promise<unknown>>();
  private current: CircuitState = 'closed';
  // Bumped on every state change, so a call that started in an earlier state (a slow call
  // from before the circuit opened, a trial of an earlier half-open round) cannot sway this one.
  private epoch = 0;
  /** How many times the circuit opened. */
  opened = 0;
  /** Calls that succeeded in `slowCallMs` or more (counted as failures). */
  slowCalls = 0;

  constructor(options: Partial<CircuitBreakerOptions> = {}) {
    this.options = { ...defaultBreakerOptions, now: Date.now, ...options };
  }

  get state(): CircuitState {
    if (this.current === 'open' && this.options.now() - this.openedAt >= this.options.halfOpenAfterMs) {
      this.current = 'half-open';
      this.trials = { started: 0, succeeded: 0 };
      this.epoch += 1;
    }
    return this.current;
  }

  /** Milliseconds until an open circuit lets trial calls through (0 unless open). */
  get retryInMs(): number {
    return this.state === 'open' ? Math.max(0, this.openedAt + this.options.halfOpenAfterMs - this.options.now()) : 0;
  }

  /** Calls `fn` unless the circuit is open (then throws CircuitOpenError without calling it). */
  async execute<T>(fn: () => Promise<T>): Promise<T> {
    const state = this.state;
    if (state === 'open' || (state === 'half-open' && this.trials.started >= this.options.halfOpenTrialCalls)) {
      throw new CircuitOpenError(this.retryInMs);
    }
    const epoch = this.epoch;
    const startedAt = this.options.now();
    if (state === 'half-open') this.trials.started += 1;
    const call = new Promise<T>((resolve) => resolve(fn()));
    if (state === 'half-open') {
      const settled = call.then(
        () => undefined,
        () => undefined,
      );
      this.trialsInFlight.add(settled);
      void settled.then(() => this.trialsInFlight.delete(settled));
    }
    try {
      const value = await call;
      const slow = this.options.now() - startedAt >= this.options.slowCallMs;
      if (slow) this.slowCalls += 1;
      if (epoch === this.epoch) this.record(!slow, state);
      return value;
    } catch (error) {
      if (epoch === this.epoch) this.record(false, state);
      throw error;
    }
  }

  /** Resolves when the half-open trial calls now in flight have finished. */
  async trialsSettled(): Promise<void> {
    await Promise.all(this.trialsInFlight);
  }

  stats(): CircuitBreakerStats {
    const failures = this.outcomes.filter((ok) => !ok).length;
    return { state: this.state, calls: this.outcomes.length, failures, opened: this.opened, slowCalls: this.slowCalls, retryInMs: this.retryInMs };
  }

  private record(ok: boolean, during: CircuitState): void {
    if (during === 'half-open') {
      if (!ok) return this.open();
      this.trials.succeeded += 1;
      if (this.trials.succeeded >= this.options.halfOpenTrialCalls) {
        this.current = 'closed';
        this.outcomes = [];
        this.epoch += 1;
      }
      return;
    }
    this.outcomes.push(ok);
    if (this.outcomes.length > this.options.windowSize) this.outcomes.shift();
    const failures = this.outcomes.filter((outcome) => !outcome).length;
    if (this.outcomes.length >= this.options.minimumCalls && failures / this.outcomes.length >= this.options.failureThreshold) this.open();
  }

  private open(): void {
    this.current = 'open';
    this.openedAt = this.options.now();
    this.opened += 1;
    this.outcomes = [];
    this.epoch += 1;
  }
}
