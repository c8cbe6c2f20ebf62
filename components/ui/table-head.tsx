export interface Column {
  label: string;
  /** Width and alignment classes. */
  className?: string;
  /** Read by screen readers only (e.g. an actions column). */
  srOnly?: boolean;
  /** A column the table can be ordered by: its order now (null: not by this one) and what a click does. */
  sort?: { direction: 'ascending' | 'descending' | null; onSort: () => void };
  /** Content instead of the label (e.g. a "select all" checkbox); the label stays for screen readers. */
  content?: React.ReactNode;
}

/** The header row every table in the dashboard shares; sortable columns are buttons with `aria-sort`. */
export function TableHead({ columns }: { columns: Column[] }) {
  return (
    <thead className="bg-surface-muted/60 text-xs tracking-wide text-muted uppercase">
      <tr>
        {columns.map((column) => (
          <th key={column.label} scope="col" aria-sort={column.sort ? (column.sort.direction ?? 'none') : undefined} className={`px-4 py-2 font-medium ${column.className ?? ''}`}>
            {column.content ? (
              column.content
            ) : column.srOnly ? (
              <span className="sr-only">{column.label}</span>
            ) : column.sort ? (
              <button type="button" onClick={column.sort.onSort} className="inline-flex items-center gap-1 uppercase hover:text-fg" title={`Sort by ${column.label.toLowerCase()}`}>
                {column.label}
                <span aria-hidden="true" className={column.sort.direction ? 'text-fg' : 'opacity-40'}>
                  {column.sort.direction === 'ascending' ? '▲' : column.sort.direction === 'descending' ? '▼' : '↕'}
                </span>
              </button>
            ) : (
              column.label
            )}
          </th>
        ))}
      </tr>
    </thead>
  );
}
