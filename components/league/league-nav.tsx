'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

const links = [
  { href: '/league', label: 'Gameweek' },
  { href: '/league/leagues', label: 'Leagues' },
  { href: '/league/tournaments', label: 'Tournaments' },
  { href: '/league/stats', label: 'Stats' },
  { href: '/league/entries', label: 'Entries' },
];

/** The League section's pages. */
export function LeagueNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="League" className="mb-4 flex gap-1 border-b border-line">
      {links.map((link) => {
        const current = link.href === '/league' ? pathname === '/league' : pathname === link.href || pathname.startsWith(`${link.href}/`);
        return (
          <Link
            key={link.href}
            href={link.href}
            aria-current={current ? 'page' : undefined}
            className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${current ? 'border-primary text-fg' : 'border-transparent text-muted hover:text-fg'}`}
          >
            {link.label}
          </Link>
        );
      })}
    </nav>
  );
}
