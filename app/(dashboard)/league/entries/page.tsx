import type { Metadata } from 'next';
import { AutoRefresh } from '@/components/league/auto-refresh.tsx';
import { AnalysedEntriesTable, TrackedEntriesTable } from '@/components/league/entry-tables.tsx';
import { TrackEntryForm } from '@/components/league/entry-tracking.tsx';
import { EmptyNote, Panel } from '@/components/ui/panel.tsx';
import { roleAllows } from '@/lib/auth/permissions.ts';
import { processCache } from '@/lib/cache/process-cache.ts';
import { analysedEntries, trackedEntries } from '@/lib/data/league-entries.ts';
import { requirePrincipal } from '../../../_lib/session.ts';

export const metadata: Metadata = { title: 'Entries' };

/** The entries people follow (refreshed every minute by tracked-entry-updater) and the entry analyzer's verdicts. */
export default async function EntriesPage() {
  const principal = await requirePrincipal();
  const canEdit = roleAllows(principal.role, 'jobs:trigger');
  const cache = await processCache();
  const [tracked, analysed] = await Promise.all([trackedEntries(cache), analysedEntries(cache)]);
  return (
    <div className="space-y-6">
      <AutoRefresh seconds={30} />
      <div>
        <h1 className="text-xl font-semibold">Entries</h1>
      </div>
      {canEdit ? (
        <Panel title="Track an entry" actions={<span>fetched from the upstream, then refreshed every minute</span>}>
          <TrackEntryForm />
        </Panel>
      ) : null}
      <Panel title="Tracked entries" actions={<span>{tracked.length} tracked</span>}>
        {tracked.length ? (
          <TrackedEntriesTable rows={tracked} canEdit={canEdit} />
        ) : (
          <EmptyNote title="No entry is tracked" hint="Track an entry by its id; tracked-entry-updater then keeps its history, summary and league-mates fresh." />
        )}
      </Panel>
      <Panel title="Analysed entries" actions={<span>highest score first · flagged at the entry-analyzer’s flagScore</span>}>
        {analysed.length ? (
          <AnalysedEntriesTable rows={analysed} canEdit={canEdit} />
        ) : (
          <EmptyNote title="No entry analysed yet" hint="entry-analyzer scores entries once they have enough history stored (20 events by default)." />
        )}
      </Panel>
    </div>
  );
}
