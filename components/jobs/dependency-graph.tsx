import Link from 'next/link';

/** Where a job stands among its dependencies: what it waits for, itself, what waits for it. */
export function DependencyGraph({ name, dependsOn, dependents }: { name: string; dependsOn: string[]; dependents: string[] }) {
  if (dependsOn.length === 0 && dependents.length === 0) return <p className="px-4 py-6 text-sm text-muted">No dependencies: this job runs on its own.</p>;
  const rows = Math.max(dependsOn.length, dependents.length, 1);
  const height = rows * 44 + 8;
  const nodeY = (index: number, count: number) => 4 + ((rows - count) * 44) / 2 + index * 44;
  const box = (x: number, y: number, label: string, current = false) => (
    <g key={`${x}-${label}`}>
      <rect x={x} y={y} width={180} height={32} rx={6} className={current ? 'fill-primary' : 'fill-surface-muted stroke-line-strong group-hover:stroke-control group-focus-visible:stroke-focus group-focus-visible:stroke-[3]'} />
      <text x={x + 90} y={y + 20} textAnchor="middle" className={`text-[12px] ${current ? 'fill-on-primary' : 'fill-fg'}`}>
        {label.length > 24 ? `${label.slice(0, 23)}…` : label}
        <title>{label}</title>
      </text>
    </g>
  );
  const centerY = nodeY(0, 1);
  return (
    <div className="overflow-x-auto p-4">
      <svg viewBox={`0 0 640 ${height}`} className="w-full max-w-2xl" style={{ height }} role="group" aria-label={`Dependency graph of ${name}`}>
        {dependsOn.map((dependency, index) => (
          <line key={`in-${dependency}`} x1={190} y1={nodeY(index, dependsOn.length) + 16} x2={230} y2={centerY + 16} className="stroke-control" />
        ))}
        {dependents.map((dependent, index) => (
          <line key={`out-${dependent}`} x1={410} y1={centerY + 16} x2={450} y2={nodeY(index, dependents.length) + 16} className="stroke-control" />
        ))}
        {dependsOn.map((dependency, index) => (
          <Link key={dependency} href={`/jobs/${encodeURIComponent(dependency)}`} className="group outline-none">
            {box(10, nodeY(index, dependsOn.length), dependency)}
          </Link>
        ))}
        {box(230, centerY, name, true)}
        {dependents.map((dependent, index) => (
          <Link key={dependent} href={`/jobs/${encodeURIComponent(dependent)}`} className="group outline-none">
            {box(450, nodeY(index, dependents.length), dependent)}
          </Link>
        ))}
      </svg>
    </div>
  );
}
