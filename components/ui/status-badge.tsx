import type { RunStatus } from '@/lib/jobs/run-state.ts';

const styles: Record<RunStatus, string> = {
  queued: 'bg-slate-100 text-slate-700 ring-slate-300 dark:bg-slate-800 dark:text-slate-200 dark:ring-slate-600',
  running: 'bg-sky-50 text-sky-800 ring-sky-300 dark:bg-sky-950 dark:text-sky-200 dark:ring-sky-700',
  retrying: 'bg-amber-50 text-amber-800 ring-amber-300 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-700',
  completed: 'bg-emerald-50 text-emerald-800 ring-emerald-300 dark:bg-emerald-950 dark:text-emerald-200 dark:ring-emerald-700',
  failed: 'bg-rose-50 text-rose-800 ring-rose-300 dark:bg-rose-950 dark:text-rose-200 dark:ring-rose-700',
  cancelled: 'bg-zinc-100 text-zinc-600 ring-zinc-300 dark:bg-zinc-800 dark:text-zinc-300 dark:ring-zinc-600',
  skipped: 'bg-violet-50 text-violet-800 ring-violet-300 dark:bg-violet-950 dark:text-violet-200 dark:ring-violet-700',
};

const dots: Record<RunStatus, string> = {
  queued: 'bg-slate-400',
  running: 'bg-sky-500 animate-pulse',
  retrying: 'bg-amber-500 animate-pulse',
  completed: 'bg-emerald-500',
  failed: 'bg-rose-500',
  cancelled: 'bg-zinc-400',
  skipped: 'bg-violet-400',
};

/** A run's state as a colored badge whose text is the state itself. */
export function StatusBadge({ status }: { status: RunStatus }) {
  return (
    <span
      data-testid="status-badge"
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${styles[status]}`}
    >
      <span aria-hidden className={`size-1.5 rounded-full ${dots[status]}`} />
      {status}
    </span>
  );
}
