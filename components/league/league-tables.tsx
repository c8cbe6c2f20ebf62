import Link from 'next/link';
import type { FixtureDto, GameweekDto, StandingDto, TournamentStandingDto, TournamentSummaryDto } from '@/lib/league/league-queries.ts';
import { Badge, type Tone } from '../ui/badge.tsx';
import { TableHead } from '../ui/table-head.tsx';

/** The cell padding and table layout every league table shares. */
export const cell = 'px-4 py-2';
export const tableClass = 'w-full table-fixed text-sm';

/** The gameweek's state in words, with the tone of a status badge. */
export function GameweekBadge({ gameweek }: { gameweek: GameweekDto }) {
  const [label, tone]: [string, Tone] = gameweek.isLive ? ['live', 'danger'] : gameweek.finished ? ['finished', 'success'] : ['upcoming', 'neutral'];
  return <Badge tone={tone}>{label}</Badge>;
}

/** `Sat 22 Aug 12:30` in UTC: short enough for one line. */
const kickOff = (iso: string | null) =>
  iso ? new Date(iso).toLocaleString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' }).replace(',', '') : '—';

function fixtureState(fixture: FixtureDto): string {
  if (fixture.finished) return 'FT';
  if (fixture.started) return `${fixture.minutes}′`;
  return fixture.kickoffTime ? fixture.kickoffTime.slice(11, 16) : '—';
}

export function FixturesTable({ fixtures }: { fixtures: FixtureDto[] }) {
  return (
    <table className={tableClass}>
      <TableHead columns={[{ label: 'Kick-off (UTC)', className: 'w-40 text-left' }, { label: 'Home', className: 'text-right' }, { label: 'Score', className: 'w-24 text-center' }, { label: 'Away', className: 'text-left' }, { label: 'State', className: 'w-20 text-right' }]} />
      <tbody className="divide-y divide-line">
        {fixtures.map((fixture) => (
          <tr key={fixture.id} data-fixture={fixture.id}>
            <td className={`${cell} truncate text-xs text-muted`}>{kickOff(fixture.kickoffTime)}</td>
            <td className={`${cell} truncate text-right`} title={fixture.home}>{fixture.home}</td>
            <td className={`${cell} text-center font-semibold tabular-nums`}>{fixture.started ? `${fixture.homeScore ?? 0} – ${fixture.awayScore ?? 0}` : 'v'}</td>
            <td className={`${cell} truncate`} title={fixture.away}>{fixture.away}</td>
            <td className={`${cell} text-right text-xs ${fixture.started && !fixture.finished ? 'font-semibold text-danger' : 'text-muted'}`}>{fixtureState(fixture)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function StandingsTable({ rows }: { rows: StandingDto[] }) {
  return (
    <table className={tableClass}>
      <TableHead columns={[{ label: 'Rank', className: 'w-20 text-right' }, { label: 'Team', className: 'text-left' }, { label: 'Manager', className: 'text-left' }, { label: 'GW', className: 'w-20 text-right' }, { label: 'Total', className: 'w-24 text-right' }]} />
      <tbody className="divide-y divide-line">
        {rows.map((row) => (
          <tr key={row.entryId}>
            <td className={`${cell} text-right tabular-nums`}>
              {row.rank}
              {row.lastRank && row.lastRank !== row.rank ? <span className={`ml-1 text-xs ${row.lastRank > row.rank ? 'text-success' : 'text-danger'}`}>{row.lastRank > row.rank ? '▲' : '▼'}</span> : null}
            </td>
            <td className={`${cell} truncate`} title={row.entryName}>{row.entryName}</td>
            <td className={`${cell} truncate text-muted`} title={row.playerName}>{row.playerName}</td>
            <td className={`${cell} text-right tabular-nums`}>{row.eventTotal}</td>
            <td className={`${cell} text-right font-medium tabular-nums`}>{row.total}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function TournamentTable({ rows, kind }: { rows: TournamentStandingDto[]; kind: string }) {
  const headToHead = kind !== 'points_race';
  return (
    <table className={tableClass}>
      <TableHead
        columns={[
          { label: 'Rank', className: 'w-20 text-right' },
          { label: 'Team', className: 'text-left' },
          ...(headToHead ? [{ label: 'W-D-L', className: 'w-28 text-right' }, { label: 'Win %', className: 'w-20 text-right' }] : [{ label: 'Played', className: 'w-24 text-right' }]),
          { label: 'Points', className: 'w-24 text-right' },
        ]}
      />
      <tbody className="divide-y divide-line">
        {rows.map((row) => (
          <tr key={row.entryId} className={row.eliminated ? 'text-muted line-through' : ''}>
            <td className={`${cell} text-right tabular-nums`}>{row.rank}</td>
            <td className={`${cell} truncate`} title={row.entryName}>{row.entryName}</td>
            <td className={`${cell} text-right tabular-nums`}>{headToHead ? `${row.won}-${row.drawn}-${row.lost}` : row.played}</td>
            {headToHead ? <td className={`${cell} text-right tabular-nums`}>{row.winPercent === null ? '—' : row.winPercent.toFixed(1)}</td> : null}
            <td className={`${cell} text-right font-medium tabular-nums`}>{row.points}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function LeagueLinks({ leagues }: { leagues: { id: number; name: string; members: number }[] }) {
  return (
    <ul className="divide-y divide-line">
      {leagues.map((league) => (
        <li key={league.id} className="flex items-center gap-3 px-4 py-2 text-sm">
          <Link href={`/league/leagues/${league.id}`} className="min-w-0 flex-1 truncate font-medium underline-offset-2 hover:underline" title={league.name}>
            {league.name}
          </Link>
          <span className="text-xs text-muted">{league.members} members</span>
        </li>
      ))}
    </ul>
  );
}

export const tournamentKindLabel: Record<string, string> = { points_race: 'Points race', battle_race: 'Battle race', knockout: 'Knockout', cup: 'Cup' };

export function TournamentLinks({ tournaments }: { tournaments: TournamentSummaryDto[] }) {
  return (
    <ul className="divide-y divide-line">
      {tournaments.map((tournament) => (
        <li key={tournament.id} className="flex flex-wrap items-baseline justify-between gap-x-3 px-4 py-2 text-sm">
          <Link href={`/league/tournaments/${tournament.id}`} className="min-w-0 truncate font-medium underline-offset-2 hover:underline" title={tournament.name}>
            {tournament.name}
          </Link>
          <span className="text-xs whitespace-nowrap text-muted">
            {tournamentKindLabel[tournament.kind] ?? tournament.kind} · GW {tournament.startEvent}–{tournament.endEvent} · {tournament.status}
          </span>
        </li>
      ))}
    </ul>
  );
}
