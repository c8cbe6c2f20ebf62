'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { OwnSessionDto } from '@/lib/users/own-sessions.ts';
import { apiFetch } from '../api-client.ts';
import { Tag } from '../ui/badge.tsx';
import { Button } from '../ui/button.tsx';
import { formatRelative, formatTime } from '../ui/format.ts';
import { ErrorNote, LoadingRows, Panel } from '../ui/panel.tsx';

/** Where you are signed in: each session's browser, address and last use; end any of them. */
export function SessionsPanel() {
  const queryClient = useQueryClient();
  const sessions = useQuery({ queryKey: ['account', 'sessions'], queryFn: () => apiFetch<{ sessions: OwnSessionDto[] }>('/api/account/sessions'), refetchInterval: 60_000 });
  const end = useMutation({
    mutationFn: (id: string) => apiFetch<{ ended: true; current: boolean }>(`/api/account/sessions/${id}`, { method: 'DELETE' }),
    onSuccess: ({ current }) => {
      if (current) window.location.assign('/login');
      else void queryClient.invalidateQueries({ queryKey: ['account', 'sessions'] });
    },
  });
  return (
    <Panel title="Sessions" actions={sessions.data ? <span>{sessions.data.sessions.length} signed in</span> : null}>
      {sessions.error && !sessions.data ? (
        <ErrorNote what="your sessions" error={sessions.error} />
      ) : !sessions.data ? (
        <LoadingRows label="Loading your sessions" rows={2} />
      ) : (
        <ul className="divide-y divide-line">
          {sessions.data.sessions.map((session) => (
            <li key={session.id} data-session={session.id} className="flex flex-wrap items-center gap-x-4 gap-y-1 px-4 py-3 text-sm">
              <div className="min-w-0 flex-1 basis-64">
                <div className="flex items-center gap-2">
                  <span className="font-medium" title={session.userAgent ?? undefined}>
                    {session.browser}
                  </span>
                  {session.current ? <Tag tone="success">this browser</Tag> : null}
                </div>
                <p className="text-xs text-muted">
                  {session.ip ?? 'address unknown'} · signed in {formatTime(session.createdAt)} · last seen <span title={formatTime(session.lastSeenAt)}>{formatRelative(session.lastSeenAt)}</span>
                </p>
              </div>
              <Button size="sm" variant={session.current ? 'secondary' : 'danger'} disabled={end.isPending} onClick={() => end.mutate(session.id)} aria-label={session.current ? 'End (sign out) this browser’s session' : `End session: ${session.browser}, last seen ${formatRelative(session.lastSeenAt)}`}>
                {session.current ? 'End (sign out)' : 'End session'}
              </Button>
            </li>
          ))}
        </ul>
      )}
      {end.error ? (
        <p role="alert" className="px-4 pb-3 text-sm text-danger">
          {end.error.message}
        </p>
      ) : null}
    </Panel>
  );
}
