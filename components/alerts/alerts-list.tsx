'use client';

import Link from 'next/link';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AlertDto } from '@/lib/alerts/alerts.ts';
import type { ChannelHealthDto } from '@/lib/alerts/channel-health.ts';
import { apiFetch } from '../api-client.ts';
import { Badge, type Tone } from '../ui/badge.tsx';
import { Button } from '../ui/button.tsx';
import { formatRelative } from '../ui/format.ts';
import { EmptyNote, ErrorNote, LoadingRows, Panel } from '../ui/panel.tsx';

const tone: Record<AlertDto['status'], Tone> = { open: 'danger', acknowledged: 'warning', resolved: 'success' };

/** Alert history with Acknowledge and Resolve, and each alert's deliveries. */
export function AlertsList({ canAct }: { canAct: boolean }) {
  const queryClient = useQueryClient();
  const alerts = useQuery({
    queryKey: ['alerts'],
    queryFn: () => apiFetch<{ alerts: AlertDto[]; channels: ChannelHealthDto[] }>('/api/alerts'),
    refetchInterval: (query) => (query.state.data?.alerts.some((alert) => alert.status === 'open') ? 2_000 : 5_000),
  });
  const act = useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'ack' | 'resolve' }) => apiFetch(`/api/alerts/${id}/${action}`, { method: 'POST' }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['alerts'] }),
  });
  const failing = alerts.data?.channels ?? [];
  return (
    <Panel title="Alerts">
      {failing.length > 0 ? (
        <ul aria-label="Failing channels" className="divide-y divide-danger-line border-b border-danger-line bg-danger-soft text-sm text-danger">
          {failing.map((channel) => (
            <li key={`${channel.type}:${channel.target}`} data-channel={`${channel.type}:${channel.target}`} className="px-4 py-2">
              <span className="font-medium">
                {channel.type} {channel.target}
              </span>{' '}
              {channel.state === 'paused' ? 'is failing: paused after repeated failures, trying again shortly' : 'is failing'}
              {channel.failingSince ? ` (since ${formatRelative(channel.failingSince)})` : ''}
              {channel.pending > 0 ? ` · ${channel.pending} not sent yet` : ''}
              <div className="truncate text-xs" title={channel.lastError}>
                {channel.lastError}
              </div>
            </li>
          ))}
        </ul>
      ) : null}
      {alerts.error && !alerts.data ? (
        <ErrorNote what="alerts" error={alerts.error} />
      ) : !alerts.data ? (
        <LoadingRows label="Loading alerts" />
      ) : alerts.data.alerts.length === 0 ? (
        <EmptyNote title="No alerts" hint="Alerts appear here when a rule below fires." />
      ) : (
        <ul className="divide-y divide-line">
          {alerts.data.alerts.map((alert) => (
            <li key={alert.id} data-alert={alert.id} className="flex flex-wrap items-center gap-3 px-4 py-3 text-sm">
              <Badge tone={tone[alert.status]}>{alert.status}</Badge>
              <div className="min-w-0 flex-1">
                <div className="truncate font-medium" title={alert.title}>
                  {alert.title}
                  {alert.count > 1 ? <span className="ml-2 text-xs text-muted">×{alert.count}</span> : null}
                </div>
                <div className="text-xs text-muted">
                  {alert.severity} · last {formatRelative(alert.lastAt)}
                  {alert.acknowledgedBy ? ` · acknowledged by ${alert.acknowledgedBy}` : ''}
                  {alert.runId ? (
                    <>
                      {' · '}
                      <Link href={`/runs/${alert.runId}`} className="underline">
                        run
                      </Link>
                    </>
                  ) : null}
                </div>
                {alert.deliveries.map((delivery, index) => (
                  <div key={index} className="truncate text-xs text-muted">
                    {(delivery.channel as { type: string }).type}
                    {delivery.kind === 'alert' ? '' : ` (${delivery.kind})`}: {delivery.sentAt ? `sent ${formatRelative(delivery.sentAt)}` : `not sent yet (${delivery.attempts} attempts)`}
                    {delivery.lastError ? <span className="text-danger"> · {delivery.lastError}</span> : null}
                  </div>
                ))}
              </div>
              {canAct && alert.status === 'open' ? (
                <Button size="sm" onClick={() => act.mutate({ id: alert.id, action: 'ack' })}>
                  Acknowledge
                </Button>
              ) : null}
              {canAct && alert.status !== 'resolved' ? (
                <Button size="sm" onClick={() => act.mutate({ id: alert.id, action: 'resolve' })}>
                  Resolve
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
