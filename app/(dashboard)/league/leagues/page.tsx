import type { Metadata } from 'next';
import { AutoRefresh } from '@/components/league/auto-refresh.tsx';
import { LeagueLinks } from '@/components/league/league-tables.tsx';
import { EmptyNote, Panel } from '@/components/ui/panel.tsx';
import { processCache } from '@/lib/cache/process-cache.ts';
import { leagueList } from '@/lib/league/league-queries.ts';
import { requirePrincipal } from '../../../_lib/session.ts';

export const metadata: Metadata = { title: 'Leagues' };

/** Every league the jobs have stored, each linking to its standings and tournaments. */
export default async function LeaguesPage() {
  await requirePrincipal();
  const leagues = await leagueList(await processCache());
  return (
    <div className="space-y-6">
      <AutoRefresh seconds={60} />
      <h1 className="text-xl font-semibold">Leagues</h1>
      <Panel title="Leagues" actions={<span>{leagues.length === 1 ? '1 league' : `${leagues.length} leagues`}</span>}>
        {leagues.length ? <LeagueLinks leagues={leagues} /> : <EmptyNote title="No leagues yet" hint="entry-updates discovers them from the upstream." />}
      </Panel>
    </div>
  );
}
