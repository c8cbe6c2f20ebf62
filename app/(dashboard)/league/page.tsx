import type { Metadata } from 'next';
import Link from 'next/link';
import { AutoRefresh } from '@/components/league/auto-refresh.tsx';
import { FixturesTable, GameweekBadge, LeagueLinks } from '@/components/league/league-tables.tsx';
import { TableHead } from '@/components/ui/table-head.tsx';
import { EmptyNote, Panel } from '@/components/ui/panel.tsx';
import { CachePurgeButton } from '@/components/league/cache-purge-button.tsx';
import { roleAllows } from '@/lib/auth/permissions.ts';
import { cacheFamilyNames } from '@/lib/cache/cache-families.ts';
import { processCache } from '@/lib/cache/process-cache.ts';
import { readCacheStats } from '@/lib/cache/two-level-cache.ts';
import { currentGameweek, gameweekFixtures, gameweekPhase, gameweekStats, leagueList, topPlayers } from '@/lib/league/league-queries.ts';
import { logger } from '@/lib/logger.ts';
import { redis } from '@/lib/redis.ts';
import { requirePrincipal } from '../../_lib/session.ts';

export const metadata: Metadata = { title: 'League' };

/** What the league jobs produce: the gameweek, its scores, the leagues, and how the cache serves it. */
export default async function LeaguePage() {
  const principal = await requirePrincipal();
  const cache = await processCache();
  const [gameweek, leagues, players, cacheStats] = await Promise.all([
    currentGameweek(cache),
    leagueList(cache),
    topPlayers(cache),
    // The counts live in Redis; with Redis down the page still shows the league from PostgreSQL.
    readCacheStats(redis()).catch((error: unknown) => {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'cache counts unreadable: Redis unreachable');
      return null;
    }),
  ]);
  const [fixtures, stats, phase] = gameweek ? await Promise.all([gameweekFixtures(cache, gameweek.id), gameweekStats(cache, gameweek.id), gameweekPhase(cache, gameweek.id)]) : [[], null, null];
  return (
    <div className="space-y-6">
      <AutoRefresh seconds={10} />
      <div className="flex flex-wrap items-baseline gap-3">
        <h1 className="text-xl font-semibold">League</h1>
        {gameweek ? (
          <p className="flex items-center gap-2 text-sm text-muted" data-gameweek={gameweek.id}>
            <span className="font-medium">{gameweek.name}</span>
            <GameweekBadge gameweek={gameweek} />
            {phase ? <span data-testid="gameweek-phase">{phase.name}</span> : null}
            <span>deadline {gameweek.deadlineTime.slice(0, 16).replace('T', ' ')} UTC</span>
            {gameweek.averageEntryScore ? <span>· average {gameweek.averageEntryScore}, highest {gameweek.highestScore}</span> : null}
          </p>
        ) : null}
      </div>
      {!gameweek ? (
        <Panel title="No league data yet">
          <EmptyNote
            title="The league tables are empty"
            hint="bootstrap-meta fills them from the upstream: the worker runs it at start when the tables are empty, and daily. Check its runs on the Jobs page."
          />
          <p className="pb-4 text-center text-sm">
            <Link className="underline" href="/jobs/bootstrap-meta">
              Open bootstrap-meta
            </Link>
          </p>
        </Panel>
      ) : (
        <div className="grid gap-6 lg:grid-cols-3">
          <Panel title={`Scores · ${gameweek.name}`} className="lg:col-span-2">
            {fixtures.length ? <FixturesTable fixtures={fixtures} /> : <EmptyNote title="No fixtures stored for this gameweek" />}
          </Panel>
          <div className="space-y-6">
            <Panel title={`This gameweek · ${gameweek.name}`}>
              {stats ? (
                <dl className="grid grid-cols-2 gap-x-4 gap-y-1.5 px-4 py-3 text-sm" data-testid="gameweek-stats">
                  <dt className="text-muted">Matches played</dt>
                  <dd className="text-right tabular-nums" data-stat="fixtures">
                    {stats.fixturesFinished} of {stats.fixtures} ({stats.fixturesStarted} started)
                  </dd>
                  <dt className="text-muted">Goals</dt>
                  <dd className="text-right tabular-nums" data-stat="goals">{stats.goals}</dd>
                  <dt className="text-muted">Players who played</dt>
                  <dd className="text-right tabular-nums">{stats.playersPlayed}</dd>
                  <dt className="text-muted">Best player score</dt>
                  <dd className="text-right tabular-nums">{stats.topPlayerPoints ?? '—'}</dd>
                </dl>
              ) : (
                <EmptyNote title="No numbers for this gameweek yet" />
              )}
            </Panel>
            <Panel title="Leagues">{leagues.length ? <LeagueLinks leagues={leagues} /> : <EmptyNote title="No leagues yet" hint="entry-updates discovers them from the upstream." />}</Panel>
            <Panel title="Top players">
              {players.length ? (
                <ul className="divide-y divide-line text-sm">
                  {players.map((player) => (
                    <li key={player.id} className="flex gap-3 px-4 py-1.5">
                      <span className="min-w-0 flex-1 truncate">{player.name}</span>
                      <span className="w-10 text-xs text-muted">{player.team}</span>
                      <span className="w-14 text-right text-xs text-muted">£{player.cost.toFixed(1)}m</span>
                      <span className="w-10 text-right font-medium tabular-nums">{player.points}</span>
                    </li>
                  ))}
                </ul>
              ) : (
                <EmptyNote title="No players yet" />
              )}
            </Panel>
          </div>
        </div>
      )}
      <Panel
        title="Cache"
        actions={
          <span className="flex items-center gap-3">
            <span>hits and misses per key family, all processes</span>
            {roleAllows(principal.role, 'cache:purge') ? <CachePurgeButton /> : null}
          </span>
        }
      >
        {cacheStats ? null : <p className="px-4 pt-3 text-sm text-warning" role="status">Redis is unreachable: the league is read from PostgreSQL, and the counts are not available.</p>}
        <table className="w-full table-fixed text-sm">
          <TableHead columns={[{ label: 'Family', className: 'text-left' }, { label: 'Hits', className: 'text-right' }, { label: 'Misses', className: 'text-right' }, { label: 'Hit ratio', className: 'text-right' }]} />
          <tbody className="divide-y divide-line">
            {cacheFamilyNames.map((family) => {
              const { hits, misses } = cacheStats?.[family] ?? { hits: 0, misses: 0 };
              return (
                <tr key={family} data-cache-family={family}>
                  <td className="px-4 py-1.5">{family}</td>
                  <td className="px-4 py-1.5 text-right tabular-nums">{hits}</td>
                  <td className="px-4 py-1.5 text-right tabular-nums">{misses}</td>
                  <td className="px-4 py-1.5 text-right tabular-nums">{hits + misses ? `${Math.round((hits / (hits + misses)) * 100)} %` : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Panel>
    </div>
  );
}
