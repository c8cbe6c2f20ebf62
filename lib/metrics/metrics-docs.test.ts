/**
 * The PromQL that README's Metrics section and docs/grafana-dashboard.json give people: each
 * query parses with the Prometheus project's own PromQL grammar, names only metrics that
 * /api/metrics exposes, and never groups or matches by `job` (Prometheus's own label).
 */
import { readFileSync } from 'node:fs';
import { parser } from '@prometheus-io/lezer-promql';
import { describe, expect, it } from 'vitest';
import { metricsRegistry } from './metrics-registry.ts';

const root = new URL('../../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');
const dashboard = JSON.parse(readFileSync(new URL('docs/grafana-dashboard.json', root), 'utf8')) as {
  panels: { title: string; type: string; datasource?: { type: string; uid: string }; targets?: { expr: string; datasource?: { uid: string } }[] }[];
  templating: { list: { name: string; type: string; query: unknown; datasource?: { uid: string } }[] };
  uid: string;
  title: string;
  schemaVersion: number;
};

const registry = metricsRegistry({
  jobNames: [], runTotals: [], durationBuckets: [], running: [], queues: [], workers: { online: 0, offline: 0 },
  alerts: [], deliveries: [], deliveryAttempts: [], cache: {},
  // The docs describe a Kickoff with the league pack on (the default), so its metrics are exposed.
  league: { notifications: [], notificationRuns: [], rollbacks: [], upstreamLatency: [], rateLimits: [] },
});
const exposed = new Set(
  registry.getMetricsAsArray().flatMap((metric) => {
    const { name, type } = metric as unknown as { name: string; type: string };
    return type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name];
  }),
);

const metricsSection = readme.slice(readme.indexOf('## Metrics'), readme.indexOf('\n## ', readme.indexOf('## Metrics') + 1));
/** The queries in a ```promql block: comment lines dropped, indented lines continue the one before. */
function promqlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```promql\n([\s\S]*?)```/g)].flatMap(([, block]) =>
    block!
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.trim().startsWith('#'))
      .reduce<string[]>((queries, line) => (/^\s/.test(line) && queries.length > 0 ? [...queries.slice(0, -1), `${queries.at(-1)} ${line.trim()}`] : [...queries, line]), []),
  );
}
const alertExprs = [...metricsSection.matchAll(/^\s+expr: (.+)$/gm)].map(([, expr]) => expr!);
// Grafana's variables, as Grafana fills them in before it sends a query.
const grafanaExprs = dashboard.panels.flatMap((panel) => panel.targets ?? []).map((target) => target.expr.replaceAll('$__rate_interval', '5m').replaceAll('$job_name', '.*'));

function check(query: string) {
  const tree = parser.parse(query);
  const errors: string[] = [];
  const labels: string[] = [];
  tree.iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(`at ${node.from}`);
      if (node.name === 'LabelName') labels.push(query.slice(node.from, node.to));
    },
  });
  expect(errors, `${query} parses`).toEqual([]);
  expect(labels, `${query} does not use the job label`).not.toContain('job');
  const names = query.match(/\bkickoff_\w+/g) ?? [];
  expect(names.length, `${query} reads a Kickoff metric`).toBeGreaterThan(0);
  for (const name of names) expect(exposed, `${query}: ${name} is exposed`).toContain(name);
}

describe('PromQL in the docs', () => {
  it('README: the example queries and alert rules', () => {
    const queries = [...promqlBlocks(metricsSection), ...alertExprs];
    expect(queries.length).toBeGreaterThanOrEqual(8);
    expect(queries).toContain('histogram_quantile(0.95, sum by (job_name, le) (rate(kickoff_run_duration_seconds_bucket[5m])))');
    for (const query of queries) check(query);
  });

  it('the Grafana dashboard: every panel query, on the chosen Prometheus data source', () => {
    expect(dashboard.uid).toBe('kickoff-overview');
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    const datasource = dashboard.templating.list.find((variable) => variable.name === 'datasource');
    expect(datasource).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const panel of dashboard.panels.filter((candidate) => candidate.type !== 'row')) {
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
    }
    expect(grafanaExprs.length).toBeGreaterThanOrEqual(10);
    for (const query of grafanaExprs) check(query);
    // Every metric in the table is graphed somewhere.
    for (const name of ['kickoff_runs_total', 'kickoff_run_duration_seconds_bucket', 'kickoff_runs_running', 'kickoff_queue_jobs', 'kickoff_workers_online', 'kickoff_workers_offline', 'kickoff_alerts_active', 'kickoff_alert_deliveries', 'kickoff_alert_delivery_attempts_total', 'kickoff_cache_lookups_total']) {
      expect(grafanaExprs.some((query) => query.match(/\bkickoff_\w+/g)?.includes(name)), name).toBe(true);
    }
  });

  it('README: the metrics table lists exactly what /api/metrics exposes', () => {
    const listed = [...metricsSection.matchAll(/^\| `(kickoff_\w+)` \|/gm)].map(([, name]) => name!);
    const families = registry.getMetricsAsArray().map((metric) => (metric as unknown as { name: string }).name);
    expect([...listed].sort()).toEqual([...families].sort());
  });
});
