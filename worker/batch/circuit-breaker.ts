/**
 * A circuit breaker: after too many failures it stops calling (open), lets a few trial
 * calls through after a wait (half-open), and closes again when they succeed.
 */
export interface CircuitBreakerOptions {
  /** Failure ratio over the recent calls that opens the circuit. Default: 0.3. */
  failureThreshold: number;
  /** Calls needed before the ratio counts. Default: 5. */
  minimumCalls: number;
  /** How many recent calls the ratio is taken over. Default: 20. */
  windowSize: number;
  /** How long the circuit stays open before trial calls. Default: 30 000 ms. */
  halfOpenAfterMs: number;
  /** Trial calls let through while half-open. Default: 3. */
  halfOpenTrialCalls: number;
  /** The clock, for tests. Default: Date.now. */
  now: () => number;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

export class CircuitOpenError extends Error {
  constructor(readonly retryInMs: number) {
    super(`Circuit open: too many failures; trying again in ${Math.ceil(retryInMs / 1000)} s`);
    this.name = 'CircuitOpenError';
  }
}

export const defaultBreakerOptions: Omit<CircuitBreakerOptions, 'now'> = {
  failureThreshold: 0.3,
  minimumCalls: 5,
  windowSize: 20,
  halfOpenAfterMs: 30_000,
  halfOpenTrialCalls: 3,
};

export class CircuitBreaker {
  private readonly options: CircuitBreakerOptions;
  private outcomes: boolean[] = [];
  private openedAt = 0;
  private trials = { started: 0, succeeded: 0 };
  private current: CircuitState = 'closed';
  /** How many times the circuit opened. */
  opened = 0;

  constructor(options: Partial<CircuitBreakerOptions> = {}) {
    this.options = { ...defaultBreakerOptions, now: Date.now, ...options };
  }

  get state(): CircuitState {
    if (this.current === 'open' && this.options.now() - this.openedAt >= this.options.halfOpenAfterMs) {
      this.current = 'half-open';
      this.trials = { started: 0, succeeded: 0 };
    }
    return this.current;
  }

  /** Milliseconds until an open circuit lets trial calls through (0 when it would now). */
  get retryInMs(): number {
    return this.state === 'open' ? Math.max(0, this.openedAt + this.options.halfOpenAfterMs - this.options.now()) : 0;
  }

  /** Calls `fn` unless the circuit is open (then throws CircuitOpenError without calling it). */
  async execute<T>(fn: () => Promise<T>): Promise<T> {
    const state = this.state;
    if (state === 'open' || (state === 'half-open' && this.trials.started >= this.options.halfOpenTrialCalls)) {
      throw new CircuitOpenError(this.retryInMs || this.options.halfOpenAfterMs);
    }
    if (state === 'half-open') this.trials.started += 1;
    try {
      const value = await fn();
      this.record(true, state);
      return value;
    } catch (error) {
      this.record(false, state);
      throw error;
    }
  }

  stats() {
    const failures = this.outcomes.filter((ok) => !ok).length;
    return { state: this.state, calls: this.outcomes.length, failures, opened: this.opened };
  }

  private record(ok: boolean, during: CircuitState): void {
    if (during === 'half-open') {
      if (!ok) return this.open();
      this.trials.succeeded += 1;
      if (this.trials.succeeded >= this.options.halfOpenTrialCalls) {
        this.current = 'closed';
        this.outcomes = [];
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
  }
}
