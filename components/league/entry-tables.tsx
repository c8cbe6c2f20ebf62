import type { AnalysedEntryDto, TrackedEntryDto } from '@/lib/data/league-entries.ts';
import { signalNames } from '@/lib/league/entry-scoring.ts';
import { Badge, type Tone } from '../ui/badge.tsx';
import { formatRelative } from '../ui/format.ts';
import { TableHead } from '../ui/table-head.tsx';
import { TrackButton } from './entry-tracking.tsx';
import { cell, tableClass } from './league-tables.tsx';

/** The tables of the Entries page: tracked entries, and the entry analyzer's verdicts with their signals. */

const verdictTones: Record<string, Tone> = { flagged: 'danger', watch: 'warning', normal: 'neutral' };

export function VerdictBadge({ verdict }: { verdict: string }) {
  return <Badge tone={verdictTones[verdict] ?? 'neutral'}>{verdict}</Badge>;
}

function EntryName({ name, playerName, deleted }: { name: string; playerName: string; deleted: boolean }) {
  return (
    <span className="block min-w-0">
      <span className="block truncate font-medium" title={name}>
        {name}
        {deleted ? <span className="ml-2 text-xs font-normal text-danger">deleted upstream</span> : null}
      </span>
      <span className="block truncate text-xs text-muted" title={playerName}>
        {playerName}
      </span>
    </span>
  );
}

export function TrackedEntriesTable({ rows, canEdit }: { rows: TrackedEntryDto[]; canEdit: boolean }) {
  return (
    <table className={tableClass}>
      <TableHead
        columns={[
          { label: 'Id', className: 'w-20 text-right' },
          { label: 'Entry', className: 'text-left' },
          { label: 'Overall rank', className: 'w-32 text-right' },
          { label: 'Points', className: 'w-24 text-right' },
          { label: 'Last fetched', className: 'w-36 text-right' },
          ...(canEdit ? [{ label: 'Actions', className: 'w-28 text-right', srOnly: true }] : []),
        ]}
      />
      <tbody className="divide-y divide-line">
        {rows.map((row) => (
          <tr key={row.id} data-tracked-entry={row.id}>
            <td className={`${cell} text-right text-xs text-muted tabular-nums`}>{row.id}</td>
            <td className={cell}>
              <EntryName name={row.name} playerName={row.playerName} deleted={row.deleted} />
            </td>
            <td className={`${cell} text-right tabular-nums`}>{row.overallRank?.toLocaleString('en-GB') ?? '—'}</td>
            <td className={`${cell} text-right font-medium tabular-nums`}>{row.points}</td>
            <td className={`${cell} text-right text-xs text-muted`} title={row.lastFetchedAt ?? 'never fetched'}>
              {row.lastFetchedAt ? formatRelative(row.lastFetchedAt) : 'not yet'}
            </td>
            {canEdit ? (
              <td className={`${cell} text-right`}>
                <TrackButton entryId={row.id} tracked />
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Each signal's part of the score, in the order of lib/league/entry-scoring.ts. */
function Signals({ signals }: { signals: AnalysedEntryDto['signals'] }) {
  const known = signalNames.filter((name) => signals[name]);
  const summary = known.map((name) => `${name}: ${signals[name]!.part}/${signals[name]!.weight} (${signals[name]!.detail})`).join('\n');
  return (
    <details title={summary}>
      <summary className="cursor-pointer text-xs text-muted">signals</summary>
      <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-xs">
        {known.map((name) => (
          <div key={name} className="contents">
            <dt className="font-medium">
              {name} <span className="font-normal text-muted tabular-nums">{signals[name]!.part}/{signals[name]!.weight}</span>
            </dt>
            <dd className="truncate text-muted" title={signals[name]!.detail}>
              {signals[name]!.detail}
            </dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

export function AnalysedEntriesTable({ rows, canEdit }: { rows: AnalysedEntryDto[]; canEdit: boolean }) {
  return (
    <table className={tableClass}>
      <TableHead
        columns={[
          { label: 'Entry', className: 'w-56 text-left' },
          { label: 'Verdict', className: 'w-24 text-left' },
          { label: 'Score', className: 'w-20 text-right' },
          { label: 'Events', className: 'w-20 text-right' },
          { label: 'Signals', className: 'text-left' },
          { label: 'Analysed', className: 'w-32 text-right' },
          ...(canEdit ? [{ label: 'Actions', className: 'w-28 text-right', srOnly: true }] : []),
        ]}
      />
      <tbody className="divide-y divide-line align-top">
        {rows.map((row) => (
          <tr key={row.id} data-analysed-entry={row.id} data-verdict={row.verdict}>
            <td className={cell}>
              <EntryName name={row.name} playerName={row.playerName} deleted={row.deleted} />
            </td>
            <td className={cell}>
              <VerdictBadge verdict={row.verdict} />
            </td>
            <td className={`${cell} text-right font-medium tabular-nums`}>{row.score.toFixed(1)}</td>
            <td className={`${cell} text-right tabular-nums`}>{row.eventsAnalyzed}</td>
            <td className={cell}>
              <Signals signals={row.signals} />
            </td>
            <td className={`${cell} text-right text-xs text-muted`} title={row.recheckedAt ? `rechecked ${row.recheckedAt}` : row.analyzedAt}>
              {formatRelative(row.analyzedAt)}
            </td>
            {canEdit ? (
              <td className={`${cell} text-right`}>
                <TrackButton entryId={row.id} tracked={row.tracked} />
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
