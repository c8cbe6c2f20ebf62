import { Button } from './button.tsx';
import type { ReactNode } from 'react';

/** A titled card; the content decides its own padding. */
export function Panel({ title, actions, children, className = '', id: givenId }: { title: string; actions?: ReactNode; children: ReactNode; className?: string; id?: string }) {
  // Titles name panels uniquely on a page; panels titled by data (a league's name) pass an id.
  const id = givenId ?? `panel-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <section aria-labelledby={id} className={`rounded-lg bg-surface shadow-sm ring-1 ring-line ${className}`}>
      <header className="flex min-h-12 items-center justify-between gap-3 border-b border-line px-4 py-2.5">
        <h2 id={id} className="text-sm font-semibold">
          {title}
        </h2>
        {actions ? <div className="flex items-center gap-2 text-xs text-muted">{actions}</div> : null}
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
        <div key={index} className="h-8 animate-pulse rounded bg-surface-muted" />
      ))}
    </div>
  );
}

export function ErrorNote({ what, error }: { what: string; error: Error }) {
  return (
    <p role="alert" className="px-4 py-8 text-center text-sm text-danger">
      Could not load {what}: {error.message}
    </p>
  );
}

export function EmptyNote({ title, hint }: { title: string; hint?: string }) {
  return (
    <div className="px-4 py-10 text-center">
      <p className="text-sm font-medium">{title}</p>
      {hint ? <p className="mt-1 text-sm text-muted">{hint}</p> : null}
    </div>
  );
}

/** JSON from a job (payload, result, config) shown as text, never as HTML. */
export function JsonBlock({ value, label }: { value: unknown; label: string }) {
  return (
    <pre aria-label={label} className="max-h-80 overflow-auto rounded-md bg-sunken p-3 font-mono text-xs whitespace-pre-wrap break-all text-fg ring-1 ring-line">
      {value === undefined || value === null ? '—' : JSON.stringify(value, null, 2)}
    </pre>
  );
}

/** The "Load more" footer of a cursor-paged list. */
export function LoadMore({ hasMore, loading, onLoad }: { hasMore: boolean; loading: boolean; onLoad: () => void }) {
  if (!hasMore) return null;
  return (
    <div className="border-t border-line px-4 py-3 text-center">
      <Button size="sm" onClick={onLoad} disabled={loading}>
        {loading ? 'Loading…' : 'Load more'}
      </Button>
    </div>
  );
}
