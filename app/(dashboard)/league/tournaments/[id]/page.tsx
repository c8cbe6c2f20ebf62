import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AutoRefresh } from '@/components/league/auto-refresh.tsx';
import { TournamentTable } from '@/components/league/league-tables.tsx';
import { TableHead } from '@/components/ui/table-head.tsx';
import { EmptyNote, Panel } from '@/components/ui/panel.tsx';
import { processCache } from '@/lib/cache/process-cache.ts';
import { tournamentEntrants, tournamentResults, tournamentStandings } from '@/lib/league/league-queries.ts';
import { requirePrincipal } from '../../../../_lib/session.ts';

export const metadata: Metadata = { title: 'Tournament' };

/** A tournament's standings (points race, battle race, knockout or cup) and its latest results. */
export default async function TournamentPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePrincipal();
  const id = (await params).id;
  if (!/^[0-9a-f-]{36}$/i.test(id)) notFound();
  const cache = await processCache();
  const [{ tournament, rows }, entrants, results] = await Promise.all([tournamentStandings(cache, id), tournamentEntrants(cache, id), tournamentResults(cache, id)]);
  if (!tournament) notFound();
  return (
    <div className="space-y-6">
      <AutoRefresh seconds={30} />
      <div>
        <Link href={`/league/leagues/${tournament.leagueId}`} className="text-sm text-muted hover:underline">
          ← League
        </Link>
        <h1 className="mt-1 truncate text-xl font-semibold" title={tournament.name}>
          {tournament.name}
        </h1>
        <p className="text-sm text-muted">
          {tournament.kind.replace('_', ' ')} · gameweeks {tournament.startEvent}–{tournament.endEvent} · {tournament.status} ·{' '}
          <span data-testid="tournament-entrants">
            {entrants.entries} entries{entrants.stillIn < entrants.entries ? `, ${entrants.stillIn} still in` : ''}
          </span>
        </p>
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <Panel title="Standings">{rows.length ? <TournamentTable rows={rows} kind={tournament.kind} /> : <EmptyNote title="No standings yet" hint="They are written after the tournament's first finished gameweek." />}</Panel>
        <Panel title="Latest results">
          {results.length ? (
            <table className="w-full table-fixed text-sm">
              <TableHead columns={[{ label: 'GW', className: 'w-14 text-right' }, { label: 'Home', className: 'text-right' }, { label: 'Score', className: 'w-24 text-center' }, { label: 'Away', className: 'text-left' }]} />
              <tbody className="divide-y divide-line">
                {results.map((result, index) => (
                  <tr key={index}>
                    <td className="px-4 py-1.5 text-right tabular-nums">{result.eventId}</td>
                    <td className={`truncate px-4 py-1.5 text-right ${result.winner === result.home ? 'font-semibold' : ''}`} title={result.home}>{result.home}</td>
                    <td className="px-4 py-1.5 text-center tabular-nums">{result.away === null ? (result.homePoints ?? '—') : `${result.homePoints ?? '–'} – ${result.awayPoints ?? '–'}`}</td>
                    <td className={`truncate px-4 py-1.5 ${result.winner && result.winner === result.away ? 'font-semibold' : ''}`} title={result.away ?? ''}>{result.away ?? (tournament.kind === 'points_race' ? '' : 'bye')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <EmptyNote title="No results yet" />
          )}
        </Panel>
      </div>
    </div>
  );
}
