/**
 * Upstream simulator, the pace of its clock: how many simulated milliseconds pass per real one
 * at each moment of the season, so a demo shows a whole gameweek in minutes without rushing
 * what there is to watch. Relative to the base speed: 1 while a match is in play (five
 * simulated minutes either side), `selection` in the hour before a deadline (the selection
 * period, slower so jobs that fire once a real minute land in it), `quiet` everywhere else
 * (nothing happens: nights, the gaps between kick-offs, the week between gameweeks).
 * With `quiet` and `selection` at 1 the clock is linear (the default of createUpstreamServer).
 */
export interface PaceOptions {
  /** Rate outside the deadline hour and the matches. Default: 1. */
  quiet: number;
  /** Rate in the hour before each deadline. Default: 1. */
  selection: number;
}

const MINUTE = 60_000;

interface Stretch {
  from: number;
  to: number;
  rate: number;
}

export class SeasonPace {
  /** Stretches that are not quiet, sorted and not overlapping (a match wins over a deadline hour). */
  private readonly stretches: Stretch[];

  constructor(
    deadlines: readonly number[],
    matches: readonly { kickoff: number; finishedAfterMinutes: number }[],
    readonly options: PaceOptions,
  ) {
    const raw: Stretch[] = [
      ...deadlines.map((deadline) => ({ from: deadline - 60 * MINUTE, to: deadline, rate: options.selection })),
      ...matches.map((match) => ({ from: match.kickoff - 5 * MINUTE, to: match.kickoff + (match.finishedAfterMinutes + 5) * MINUTE, rate: 1 })),
    ].sort((a, b) => a.from - b.from);
    // Cut into pieces at every boundary; each piece takes the lowest rate of the stretches over it.
    const points = [...new Set(raw.flatMap((s) => [s.from, s.to]))].sort((a, b) => a - b);
    const pieces: Stretch[] = [];
    let start = 0;
    for (let i = 0; i + 1 < points.length; i++) {
      const from = points[i]!;
      const to = points[i + 1]!;
      while (start < raw.length && raw[start]!.to <= from) start++;
      let rate = Infinity;
      for (let j = start; j < raw.length && raw[j]!.from < to; j++) if (raw[j]!.to > from) rate = Math.min(rate, raw[j]!.rate);
      if (rate === Infinity) continue;
      const last = pieces.at(-1);
      if (last && last.to === from && last.rate === rate) last.to = to;
      else pieces.push({ from, to, rate });
    }
    this.stretches = pieces;
  }

  get linear(): boolean {
    return this.options.quiet === 1 && this.options.selection === 1;
  }

  /** The rate at `at` (multiply by the base speed). */
  rateAt(at: number): number {
    return this.stretchAt(at)?.rate ?? this.options.quiet;
  }

  /** Simulated time after `realMs` real milliseconds at `speed` from `from`. */
  advance(from: number, realMs: number, speed: number): number {
    if (this.linear || speed === 0 || realMs <= 0) return from + realMs * speed;
    let at = from;
    let left = realMs * speed; // in simulated ms at rate 1
    for (let guard = 0; left > 0 && guard < 10_000; guard++) {
      const inside = this.stretchAt(at);
      const rate = inside?.rate ?? this.options.quiet;
      const until = inside ? inside.to : (this.stretches.find((s) => s.from > at)?.from ?? Infinity);
      const cost = (until - at) / rate;
      if (cost >= left) return at + left * rate;
      left -= cost;
      at = until;
    }
    return at;
  }

  private stretchAt(at: number): Stretch | undefined {
    let lo = 0;
    let hi = this.stretches.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const stretch = this.stretches[mid]!;
      if (at < stretch.from) hi = mid - 1;
      else if (at >= stretch.to) lo = mid + 1;
      else return stretch;
    }
    return undefined;
  }
}
