import { z } from 'zod';
import { env, upstreamUrl } from '../env.ts';

/**
 * The league clock: what time it is in the league, as the upstream tells it. The specified
 * windows and conditions ("match time", "selection period", "after a match day") are league
 * time, not the machine's. The built-in simulator runs a season of its own at a speed of its
 * own: it answers `GET /time` with `{ now, speed }` (and names the time in the
 * `x-upstream-time` header of every answer). An upstream without `/time` (the real API) is
 * on the wall clock, so league time is the wall clock there.
 *
 * A reading is extrapolated by its speed for `maxAgeMs` (one request per second at most), so
 * a simulator clock moved by its admin route is seen within that.
 */
export interface LeagueClockOptions {
  /** The upstream, e.g. `http://127.0.0.1:3100`. */
  baseUrl: string;
  /** How long a reading is used (extrapolated) before asking again. Default: 1000. */
  maxAgeMs?: number;
  /** How long an upstream without `/time` is taken to be on the wall clock before asking again. Default: 5 min. */
  wallClockForMs?: number;
  /** Per request. Default: 2000. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const timeAnswer = z.object({ now: z.iso.datetime({ offset: true }), speed: z.number().min(0) });

interface Reading {
  /** League time (ms) at `at`. */
  leagueMs: number;
  speed: number;
  /** Wall time (ms) of the reading. */
  at: number;
}

export class LeagueClock {
  /** How the gate names this clock in a skipped run's reason. */
  readonly name = 'league time';
  private reading: Reading | null = null;
  private wallUntil = 0;
  private pending: Promise<void> | null = null;

  constructor(private readonly options: LeagueClockOptions) {}

  /** League time now: the upstream's, or the wall clock when it keeps none (or cannot be asked and never was). */
  async now(): Promise<Date> {
    const wall = Date.now();
    if (wall < this.wallUntil) return new Date(wall);
    if (!this.reading || wall - this.reading.at > (this.options.maxAgeMs ?? 1_000)) {
      this.pending ??= this.ask().finally(() => (this.pending = null));
      await this.pending;
    }
    return this.reading ? new Date(this.extrapolate(this.reading, Date.now())) : new Date();
  }

  private extrapolate(reading: Reading, wall: number): number {
    return reading.leagueMs + (wall - reading.at) * reading.speed;
  }

  private async ask(): Promise<void> {
    const fetcher = this.options.fetch ?? fetch;
    const at = Date.now();
    try {
      const response = await fetcher(new URL('/time', this.options.baseUrl), { signal: AbortSignal.timeout(this.options.timeoutMs ?? 2_000) });
      const parsed = response.ok ? timeAnswer.safeParse(await response.json()) : null;
      if (parsed?.success) {
        this.reading = { leagueMs: Date.parse(parsed.data.now), speed: parsed.data.speed, at: (at + Date.now()) / 2 };
        return;
      }
      // It answered, without a clock of its own: the wall clock.
      this.reading = null;
      this.wallUntil = Date.now() + (this.options.wallClockForMs ?? 300_000);
    } catch {
      // Not answering: keep extrapolating the last reading (none: the wall clock, asked again next time).
    }
  }
}

const clocks = new Map<string, LeagueClock>();

/** The process's clock of the configured upstream (UPSTREAM_URL or the built-in simulator). */
export function leagueClock(baseUrl = upstreamUrl(env())): LeagueClock {
  let clock = clocks.get(baseUrl);
  if (!clock) {
    clock = new LeagueClock({ baseUrl });
    clocks.set(baseUrl, clock);
  }
  return clock;
}
