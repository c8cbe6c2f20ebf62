import { validateMetricName, type Metric, type Registry } from 'prom-client';

interface Series {
  labels: Record<string, string>;
  /** Count per bucket (not cumulative), by index in `buckets`; the last slot is past the last bound. */
  counts: number[];
  sum: number;
}

/**
 * A histogram whose observations were counted elsewhere: the buckets come from PostgreSQL's
 * roll-up of finished runs. prom-client's `Histogram` only learns values one `observe()` at a
 * time, so, as Prometheus clients advise for pre-aggregated data, this is a custom collector:
 * it answers the registry's `get()` with the same samples a `Histogram` gives (cumulative
 * `_bucket` per bound and `+Inf`, `_sum`, `_count`), and the registry renders them.
 */
export class RolledUpHistogram<T extends string> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly name: string;
  readonly help: string;
  private readonly labelNames: readonly T[];
  private readonly buckets: readonly number[];
  private readonly series = new Map<string, Series>();

  constructor(config: { name: string; help: string; labelNames: readonly T[]; buckets: readonly number[]; registers: Registry[] }) {
    if (!validateMetricName(config.name)) throw new Error(`invalid metric name ${config.name}`);
    if (config.labelNames.includes('le' as T)) throw new Error('le is reserved for the bucket bound');
    if (config.buckets.some((bound, index) => index > 0 && bound <= config.buckets[index - 1]!)) throw new Error('buckets must increase');
    this.name = config.name;
    this.help = config.help;
    this.labelNames = config.labelNames;
    this.buckets = config.buckets;
    // The registry takes any object with prom-client's metric shape (name, type, get()).
    for (const registry of config.registers) registry.registerMetric(this as unknown as Metric);
  }

  /** Adds `count` observations that fell in the bucket bounded by `le` (a bound, or Infinity), summing `sum`. */
  add(labels: Record<T, string>, le: number, count: number, sum: number): void {
    const slot = le === Infinity ? this.buckets.length : this.buckets.indexOf(le);
    if (slot < 0) throw new Error(`${this.name}: ${le} is not one of the bucket bounds`);
    const key = JSON.stringify(this.labelNames.map((name) => labels[name]));
    let series = this.series.get(key);
    if (!series) {
      series = { labels: { ...labels }, counts: new Array<number>(this.buckets.length + 1).fill(0), sum: 0 };
      this.series.set(key, series);
    }
    series.counts[slot]! += count;
    series.sum += sum;
  }

  reset(): void {
    this.series.clear();
  }

  async get() {
    const values: { metricName: string; labels: Record<string, string | number>; value: number }[] = [];
    for (const { labels, counts, sum } of this.series.values()) {
      let cumulative = 0;
      this.buckets.forEach((bound, index) => {
        cumulative += counts[index]!;
        values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: bound }, value: cumulative });
      });
      cumulative += counts[this.buckets.length]!;
      values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: '+Inf' }, value: cumulative });
      values.push({ metricName: `${this.name}_sum`, labels, value: sum });
      values.push({ metricName: `${this.name}_count`, labels, value: cumulative });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
