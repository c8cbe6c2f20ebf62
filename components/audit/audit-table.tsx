'use client';

import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { AuditEntryDto } from '@/lib/data/audit.ts';
import { apiFetch } from '../api-client.ts';
import { Button } from '../ui/button.tsx';
import { controlClass } from '../ui/field.tsx';
import { Time } from '../ui/time.tsx';
import { EmptyNote, ErrorNote, LoadingRows, LoadMore, Panel } from '../ui/panel.tsx';
import { TableHead } from '../ui/table-head.tsx';

const change = (value: unknown) => (value == null ? '' : JSON.stringify(value));

/** Who did what, when, from where: filterable by action and actor, newest first. */
export function AuditTable() {
  const [filters, setFilters] = useState({ action: '', actor: '' });
  const [draft, setDraft] = useState(filters);
  const params = new URLSearchParams(Object.entries(filters).filter(([, value]) => value));
  const query = useInfiniteQuery({
    queryKey: ['audit', params.toString()],
    queryFn: ({ pageParam }) => apiFetch<{ entries: AuditEntryDto[]; nextCursor: string | null }>(`/api/audit?${params}${pageParam ? `&cursor=${pageParam}` : ''}`),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
  const entries = query.data?.pages.flatMap((page) => page.entries) ?? [];
  const input = `mt-1 block px-2 py-1.5 text-sm ${controlClass}`;
  return (
    <Panel title="Audit log">
      <form
        className="flex flex-wrap items-end gap-2 border-b border-line px-4 py-3"
        onSubmit={(event) => {
          event.preventDefault();
          setFilters(draft);
        }}
      >
        <label className="text-xs text-muted">
          Action
          <input className={input} placeholder="job.trigger" value={draft.action} onChange={(event) => setDraft({ ...draft, action: event.target.value })} />
        </label>
        <label className="text-xs text-muted">
          Actor
          <input className={input} placeholder="email or key" value={draft.actor} onChange={(event) => setDraft({ ...draft, actor: event.target.value })} />
        </label>
        <Button type="submit">Filter</Button>
      </form>
      {query.error && !query.data ? (
        <ErrorNote what="the audit log" error={query.error} />
      ) : query.isPending ? (
        <LoadingRows label="Loading the audit log" />
      ) : entries.length === 0 ? (
        <EmptyNote title="Nothing recorded" hint="Every trigger, retry, cancel and edit appears here." />
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full min-w-[60rem] table-fixed text-left text-sm">
            <TableHead
              columns={[
                { label: 'When', className: 'w-[13%]' },
                { label: 'Who', className: 'w-[20%]' },
                { label: 'Action', className: 'w-[13%]' },
                { label: 'Target', className: 'w-[18%]' },
                { label: 'Change', className: 'w-[24%]' },
                { label: 'From', className: 'w-[12%]' },
              ]}
            />
            <tbody className="divide-y divide-line align-top">
              {entries.map((entry) => (
                <tr key={entry.id} data-action={entry.action}>
                  <td className="px-4 py-2 text-muted tabular-nums">
                    <Time at={entry.at} />
                  </td>
                  <td className="px-4 py-2">
                    <div className="truncate" title={entry.actor}>
                      {entry.actor}
                    </div>
                    <div className="text-xs text-muted">{entry.role ?? entry.actorType}</div>
                  </td>
                  <td className="px-4 py-2 font-mono text-xs">{entry.action}</td>
                  <td className="truncate px-4 py-2 text-xs" title={entry.targetId ?? ''}>
                    {entry.targetType ? `${entry.targetType} ` : ''}
                    <span className="font-mono">{entry.targetId}</span>
                  </td>
                  <td className="px-4 py-2 font-mono text-xs break-all text-muted">
                    {entry.before != null || entry.after != null ? (
                      <>
                        <div className="text-danger">− {change(entry.before)}</div>
                        <div className="text-success">+ {change(entry.after)}</div>
                      </>
                    ) : (
                      <div className="line-clamp-2">{change(entry.details)}</div>
                    )}
                  </td>
                  <td className="px-4 py-2 text-xs text-muted">
                    <div>{entry.ip ?? '—'}</div>
                    <div className="truncate font-mono" title={entry.requestId ?? ''}>
                      {entry.requestId}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore hasMore={Boolean(query.hasNextPage)} loading={query.isFetchingNextPage} onLoad={() => void query.fetchNextPage()} />
    </Panel>
  );
}
