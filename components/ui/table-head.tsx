export interface Column {
  label: string;
  /** Width and alignment classes. */
  className?: string;
  /** Read by screen readers only (e.g. an actions column). */
  srOnly?: boolean;
}

/** The header row every table in the dashboard shares. */
export function TableHead({ columns }: { columns: Column[] }) {
  return (
    <thead className="bg-surface-muted/60 text-xs tracking-wide text-muted uppercase">
      <tr>
        {columns.map((column) => (
          <th key={column.label} scope="col" className={`px-4 py-2 font-medium ${column.className ?? ''}`}>
            {column.srOnly ? <span className="sr-only">{column.label}</span> : column.label}
          </th>
        ))}
      </tr>
    </thead>
  );
}
