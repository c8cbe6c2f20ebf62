import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AutoRefresh } from '@/components/league/auto-refresh.tsx';
import { StandingsTable, TournamentLinks } from '@/components/league/league-tables.tsx';
import { EmptyNote, Panel } from '@/components/ui/panel.tsx';
import { TableHead } from '@/components/ui/table-head.tsx';
import { processCache } from '@/lib/cache/process-cache.ts';
import { leagueSeasonStats, leagueStandings, leagueTournaments } from '@/lib/league/league-queries.ts';
import { requirePrincipal } from '../../../../_lib/session.ts';

export const metadata: Metadata = { title: 'League standings' };

/** A league's standings, 50 a page, and its tournaments. */
export default async function LeagueStandingsPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ page?: string }> }) {
  await requirePrincipal();
  const leagueId = Number((await params).id);
  const page = Math.max(1, Math.min(10_000, Number((await searchParams).page) || 1));
  if (!Number.isInteger(leagueId) || leagueId < 1) notFound();
  const cache = await processCache();
  const [standings, tournaments, seasons] = await Promise.all([leagueStandings(cache, leagueId, page), leagueTournaments(cache, leagueId), leagueSeasonStats(cache, leagueId)]);
  if (!standings.league) notFound();
  return (
    <div className="space-y-6">
      <AutoRefresh seconds={30} />
      <div>
        <Link href="/league/leagues" className="text-sm text-muted hover:underline">
          ← Leagues
        </Link>
        <h1 className="mt-1 truncate text-xl font-semibold" title={standings.league.name}>
          {standings.league.name}
        </h1>
      </div>
      <div className="grid gap-6 lg:grid-cols-3">
        <Panel
          title="Standings"
          className="lg:col-span-2"
          actions={
            <span className="flex items-center gap-3">
              {page > 1 ? (
                <Link href={`?page=${page - 1}`} className="text-accent underline underline-offset-2">
                  ← Previous
                </Link>
              ) : null}
              <span>page {page}</span>
              {standings.hasNext ? (
                <Link href={`?page=${page + 1}`} className="text-accent underline underline-offset-2">
                  Next →
                </Link>
              ) : null}
            </span>
          }
        >
          {standings.rows.length ? <StandingsTable rows={standings.rows} /> : <EmptyNote title="No standings on this page" hint="entry-updates writes them from the upstream." />}
        </Panel>
        <Panel title="Tournaments">
          {tournaments.length ? <TournamentLinks tournaments={tournaments} /> : <EmptyNote title="No tournaments yet" hint="tournament-event-data creates them hourly." />}
        </Panel>
        <Panel title="Best seasons" className="lg:col-span-3" actions={<span>as of the hourly historical-stats-refresh</span>}>
          {seasons.length ? (
            <table className="w-full table-fixed text-sm" data-testid="season-stats">
              <TableHead columns={[{ label: 'Team', className: 'text-left' }, { label: 'GWs', className: 'w-16 text-right' }, { label: 'Avg', className: 'w-20 text-right' }, { label: 'Best GW', className: 'w-20 text-right' }, { label: 'Best rank', className: 'w-28 text-right' }, { label: 'Points', className: 'w-20 text-right' }]} />
              <tbody className="divide-y divide-line">
                {seasons.map((row) => (
                  <tr key={row.entryId} data-entry={row.entryId}>
                    <td className="truncate px-4 py-1.5" title={row.entryName}>{row.entryName}</td>
                    <td className="px-4 py-1.5 text-right tabular-nums">{row.events}</td>
                    <td className="px-4 py-1.5 text-right tabular-nums">{row.averagePoints.toFixed(1)}</td>
                    <td className="px-4 py-1.5 text-right tabular-nums">{row.bestEvent}</td>
                    <td className="px-4 py-1.5 text-right tabular-nums">{row.bestOverallRank?.toLocaleString('en-GB') ?? '—'}</td>
                    <td className="px-4 py-1.5 text-right font-medium tabular-nums">{row.points}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <EmptyNote title="No season stats yet" hint="historical-stats-refresh rebuilds them every hour from the stored gameweek histories." />
          )}
        </Panel>
      </div>
    </div>
  );
}
