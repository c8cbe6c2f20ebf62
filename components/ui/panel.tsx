import { Button } from './button.tsx';
import type { ReactNode } from 'react';

/** A titled card; the content decides its own padding. */
export function Panel({ title, actions, children, className = '' }: { title: string; actions?: ReactNode; children: ReactNode; className?: string }) {
  const id = `panel-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <section aria-labelledby={id} className={`rounded-lg bg-white shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800 ${className}`}>
      <header className="flex min-h-12 items-center justify-between gap-3 border-b border-slate-200 px-4 py-2.5 dark:border-slate-800">
        <h2 id={id} className="text-sm font-semibold">
          {title}
        </h2>
        {actions ? <div className="flex items-center gap-2 text-xs text-slate-500">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}

/** Loading, error and empty states, shared by every view. */
export function LoadingRows({ rows = 4, label }: { rows?: number; label: string }) {
  return (
    <div className="space-y-2 p-4" aria-label={label} aria-busy="true">
      {Array.from({ length: rows }, (_, index) => (
        <div key={index} className="h-8 animate-pulse rounded bg-slate-100 dark:bg-slate-800" />
      ))}
    </div>
  );
}

export function ErrorNote({ what, error }: { what: string; error: Error }) {
  return (
    <p role="alert" className="px-4 py-8 text-center text-sm text-rose-700 dark:text-rose-300">
      Could not load {what}: {error.message}
    </p>
  );
}

export function EmptyNote({ title, hint }: { title: string; hint?: string }) {
  return (
    <div className="px-4 py-10 text-center">
      <p className="text-sm font-medium">{title}</p>
      {hint ? <p className="mt-1 text-sm text-slate-500">{hint}</p> : null}
    </div>
  );
}

/** JSON from a job (payload, result, config) shown as text, never as HTML. */
export function JsonBlock({ value, label }: { value: unknown; label: string }) {
  return (
    <pre aria-label={label} className="max-h-80 overflow-auto rounded-md bg-slate-50 p-3 font-mono text-xs whitespace-pre-wrap break-all text-slate-800 ring-1 ring-slate-200 dark:bg-slate-950 dark:text-slate-200 dark:ring-slate-800">
      {value === undefined || value === null ? '—' : JSON.stringify(value, null, 2)}
    </pre>
  );
}

/** The "Load more" footer of a cursor-paged list. */
export function LoadMore({ hasMore, loading, onLoad }: { hasMore: boolean; loading: boolean; onLoad: () => void }) {
  if (!hasMore) return null;
  return (
    <div className="border-t border-slate-200 px-4 py-3 text-center dark:border-slate-800">
      <Button size="sm" onClick={onLoad} disabled={loading}>
        {loading ? 'Loading…' : 'Load more'}
      </Button>
    </div>
  );
}
