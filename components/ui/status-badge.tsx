import type { RunStatus } from '@/lib/jobs/run-state.ts';
import { Badge, solidTones, type Tone } from './badge.tsx';

const toneOf: Record<RunStatus, Tone> = {
  queued: 'neutral',
  running: 'info',
  retrying: 'warning',
  completed: 'success',
  failed: 'danger',
  cancelled: 'neutral',
  skipped: 'special',
};

/** A run's state as a colored badge whose text is the state itself. */
export function StatusBadge({ status }: { status: RunStatus }) {
  const pulse = status === 'running' || status === 'retrying' ? 'animate-pulse' : '';
  return (
    <Badge tone={toneOf[status]} data-testid="status-badge">
      <span aria-hidden className={`size-1.5 rounded-full ${solidTones[toneOf[status]]} ${pulse}`} />
      {status}
    </Badge>
  );
}
