'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

const links = [
  { href: '/overview', label: 'Overview' },
  { href: '/jobs', label: 'Jobs' },
  { href: '/runs', label: 'Runs' },
  { href: '/league', label: 'League' },
  { href: '/alerts', label: 'Alerts' },
  { href: '/audit', label: 'Audit log' },
  { href: '/settings', label: 'Settings' },
  { href: '/docs/api', label: 'API' },
];

/** The main navigation; the League section only while the league pack is on (KICKOFF_PACKS). */
export function Nav({ league = true }: { league?: boolean }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="flex gap-1">
      {links.filter((link) => league || link.href !== '/league').map((link) => {
        const current = pathname === link.href || pathname.startsWith(`${link.href}/`);
        return (
          <Link
            key={link.href}
            href={link.href}
            aria-current={current ? 'page' : undefined}
            className={`rounded-md px-3 py-1.5 text-sm font-medium ${current ? 'bg-fg text-surface' : 'text-muted hover:bg-surface-muted'}`}
          >
            {link.label}
          </Link>
        );
      })}
    </nav>
  );
}
