import type { Metadata } from 'next';
import { unstable_cache } from 'next/cache';
import Link from 'next/link';
import { StatsRunsTable } from '@/components/league/stats-runs-table.tsx';
import { UpdateStatsButton } from '@/components/league/update-stats-button.tsx';
import { EmptyNote, Panel } from '@/components/ui/panel.tsx';
import { TableHead } from '@/components/ui/table-head.tsx';
import { roleAllows } from '@/lib/auth/permissions.ts';
import { processCache } from '@/lib/cache/process-cache.ts';
import { statsStep, type StatsStepName } from '@/lib/jobs/definitions/league/stats-update.ts';
import { hallOfFame, latestGameweekReport, latestStatsRun, powerRatings, seasonTable } from '@/lib/league/stats-queries.ts';
import type { TwoLevelCache } from '@/lib/cache/two-level-cache.ts';
import { requirePrincipal } from '../../../_lib/session.ts';

export const metadata: Metadata = { title: 'League stats' };

/**
 * Reads one step's numbers through Next's data cache, tagged with the step's tag: stats-update
 * revalidates the tag (POST /api/internal/cache/invalidate) once the step has committed. The
 * hour's revalidate is the fallback for an update the web app did not hear of.
 */
function cachedStat<T>(step: StatsStepName, name: string, load: (cache: TwoLevelCache) => Promise<T>): Promise<T> {
  return unstable_cache(async () => load(await processCache()), ['league-stats', step, name], { tags: statsStep(step).cacheTags, revalidate: 3_600 })();
}

const cell = 'px-4 py-1.5';
const number = `${cell} text-right tabular-nums`;

/** A few of stats-update's aggregates, the latest run's step timings, and the "Update stats" button. */
export default async function LeagueStatsPage() {
  const principal = await requirePrincipal();
  const [season, ratings, fame, report, lastRun] = await Promise.all([
    cachedStat('season', 'full-top-20', (cache) => seasonTable(cache, 'full', 20)),
    cachedStat('power-ratings', 'top-10', (cache) => powerRatings(cache, 10)),
    cachedStat('hall-of-fame', 'top-10', (cache) => hallOfFame(cache, 10)),
    cachedStat('gameweek-report', 'latest', (cache) => latestGameweekReport(cache)),
    latestStatsRun(),
  ]);
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">League stats</h1>
        </div>
        <UpdateStatsButton disabled={!roleAllows(principal.role, 'jobs:trigger')} />
      </div>

      <Panel
        title="Last update"
        actions={lastRun ? <Link href={`/runs/${lastRun.runId}`} className="text-accent underline underline-offset-2">run {lastRun.runId.slice(0, 8)}</Link> : null}
      >
        {lastRun ? (
          <div className="space-y-2 px-4 py-3 text-sm" data-testid="stats-timings">
            <p>
              {lastRun.result.steps.length} steps in parallel: <span className="font-semibold tabular-nums">{lastRun.result.totalMs} ms</span> in all; the steps&apos; own times add
              up to <span className="font-semibold tabular-nums">{lastRun.result.sumOfStepsMs} ms</span>
              {lastRun.result.parallelGain ? ` (×${lastRun.result.parallelGain})` : ''} · from {lastRun.result.source}
              {lastRun.finishedAt ? ` · ${lastRun.finishedAt.slice(0, 16).replace('T', ' ')} UTC` : ''}
            </p>
            <ul className="flex flex-wrap gap-2 text-xs">
              {lastRun.result.steps.map((step) => (
                <li key={step.name} className="rounded bg-surface-muted px-2 py-0.5 tabular-nums">
                  {step.name} {step.ms} ms · {step.rows} rows
                </li>
              ))}
            </ul>
          </div>
        ) : (
          <EmptyNote title="No completed stats update yet" hint="stats-update runs nightly at 02:00, after every gameweek, and from the button above." />
        )}
      </Panel>

      <Panel title="Stats runs">
        <StatsRunsTable canRetry={roleAllows(principal.role, 'runs:retry')} />
      </Panel>

      <div className="grid gap-6 lg:grid-cols-3">
        <Panel title="Season table" className="lg:col-span-2">
          {season.length ? (
            <table className="w-full table-fixed text-sm">
              <TableHead columns={[{ label: 'Rank', className: 'w-16 text-right' }, { label: 'Team', className: 'text-left' }, { label: 'Manager', className: 'text-left' }, { label: 'GWs', className: 'w-16 text-right' }, { label: 'Avg', className: 'w-20 text-right' }, { label: 'Best', className: 'w-16 text-right' }, { label: 'Points', className: 'w-20 text-right' }]} />
              <tbody className="divide-y divide-line">
                {season.map((row) => (
                  <tr key={row.entryId}>
                    <td className={number}>{row.rank}</td>
                    <td className={`${cell} truncate`} title={row.entryName}>{row.entryName}</td>
                    <td className={`${cell} truncate text-muted`} title={row.playerName}>{row.playerName}</td>
                    <td className={number}>{row.events}</td>
                    <td className={number}>{row.averagePoints.toFixed(1)}</td>
                    <td className={number}>{row.bestEvent}</td>
                    <td className={`${number} font-medium`}>{row.points}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <EmptyNote title="No season stats yet" hint="Update stats once gameweeks have finished." />
          )}
        </Panel>

        <div className="space-y-6">
          <Panel title={report ? `Gameweek report · ${report.eventName}` : 'Gameweek report'}>
            {report ? (
              <dl className="grid grid-cols-2 gap-x-4 gap-y-1.5 px-4 py-3 text-sm">
                <dt className="text-muted">Average</dt>
                <dd className="text-right tabular-nums">{report.averagePoints.toFixed(1)}</dd>
                <dt className="text-muted">Highest</dt>
                <dd className="truncate text-right tabular-nums" title={report.topEntryName}>
                  {report.highestPoints} · {report.topEntryName}
                </dd>
                <dt className="text-muted">Top player</dt>
                <dd className="truncate text-right">{report.topPlayerName ? `${report.topPlayerName} (${report.topPlayerTeam ?? '?'}) ${report.topPlayerPoints}` : '—'}</dd>
                <dt className="text-muted">Transfers · hits</dt>
                <dd className="text-right tabular-nums">
                  {report.transfers} · {report.hits}
                </dd>
                <dt className="text-muted">Goals</dt>
                <dd className="text-right tabular-nums">{report.goals}</dd>
              </dl>
            ) : (
              <EmptyNote title="No finished gameweek yet" />
            )}
          </Panel>

          <Panel title="Power ratings">
            {ratings.length ? (
              <ol className="divide-y divide-line text-sm">
                {ratings.map((row) => (
                  <li key={row.entryId} className="flex gap-3 px-4 py-1.5">
                    <span className="w-6 text-right text-muted tabular-nums">{row.rank}</span>
                    <span className="min-w-0 flex-1 truncate" title={row.entryName}>{row.entryName}</span>
                    <span className="w-24 text-right text-xs text-muted tabular-nums" title="recent · season average">
                      {row.recentAverage.toFixed(1)} · {row.seasonAverage.toFixed(1)}
                    </span>
                    <span className="w-12 text-right font-medium tabular-nums">{row.rating.toFixed(1)}</span>
                  </li>
                ))}
              </ol>
            ) : (
              <EmptyNote title="No ratings yet" />
            )}
          </Panel>

          <Panel title="Hall of fame">
            {fame.length ? (
              <ol className="divide-y divide-line text-sm">
                {fame.map((row) => (
                  <li key={`${row.entryId}:${row.eventId}`} className="flex gap-3 px-4 py-1.5">
                    <span className="w-6 text-right text-muted tabular-nums">{row.position}</span>
                    <span className="min-w-0 flex-1 truncate" title={row.entryName}>{row.entryName}</span>
                    <span className="w-14 text-right text-xs text-muted">GW {row.eventId}</span>
                    <span className="w-10 text-right font-medium tabular-nums">{row.points}</span>
                  </li>
                ))}
              </ol>
            ) : (
              <EmptyNote title="No scores yet" />
            )}
          </Panel>
        </div>
      </div>
    </div>
  );
}
