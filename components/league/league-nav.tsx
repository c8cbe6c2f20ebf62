'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

const links = [
  { href: '/league', label: 'Gameweek' },
  { href: '/league/stats', label: 'Stats' },
  { href: '/league/entries', label: 'Entries' },
];

/** The League section's pages. */
export function LeagueNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="League" className="mb-4 flex gap-1 border-b border-slate-200 dark:border-slate-800">
      {links.map((link) => {
        const current = link.href === '/league' ? pathname === '/league' || pathname.startsWith('/league/leagues') || pathname.startsWith('/league/tournaments') : pathname.startsWith(link.href);
        return (
          <Link
            key={link.href}
            href={link.href}
            aria-current={current ? 'page' : undefined}
            className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${current ? 'border-teal-600 text-slate-900 dark:text-slate-100' : 'border-transparent text-slate-500 hover:text-slate-800 dark:hover:text-slate-200'}`}
          >
            {link.label}
          </Link>
        );
      })}
    </nav>
  );
}
