import type { Metadata } from 'next';
import { AutoRefresh } from '@/components/league/auto-refresh.tsx';
import { TournamentLinks } from '@/components/league/league-tables.tsx';
import { EmptyNote, Panel } from '@/components/ui/panel.tsx';
import { processCache } from '@/lib/cache/process-cache.ts';
import { leagueList, leagueTournaments } from '@/lib/league/league-queries.ts';
import { requirePrincipal } from '../../../_lib/session.ts';

export const metadata: Metadata = { title: 'Tournaments' };

/** Every league's tournaments, league by league (each list is cached and dropped when the jobs write it). */
export default async function TournamentsPage() {
  await requirePrincipal();
  const cache = await processCache();
  const leagues = await leagueList(cache);
  const byLeague = await Promise.all(leagues.map(async (league) => ({ league, tournaments: await leagueTournaments(cache, league.id) })));
  const withTournaments = byLeague.filter((entry) => entry.tournaments.length > 0);
  return (
    <div className="space-y-6">
      <AutoRefresh seconds={60} />
      <h1 className="text-xl font-semibold">Tournaments</h1>
      {withTournaments.length ? (
        withTournaments.map(({ league, tournaments }) => (
          <Panel key={league.id} id={`league-${league.id}`} title={league.name} actions={<span>{tournaments.length === 1 ? '1 tournament' : `${tournaments.length} tournaments`}</span>}>
            <TournamentLinks tournaments={tournaments} />
          </Panel>
        ))
      ) : (
        <Panel title="No tournaments yet">
          <EmptyNote title="No league has a tournament" hint="tournament-event-data creates them hourly for each league." />
        </Panel>
      )}
    </div>
  );
}
