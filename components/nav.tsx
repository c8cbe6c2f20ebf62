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

export function Nav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="flex gap-1">
      {links.map((link) => {
        const current = pathname === link.href || pathname.startsWith(`${link.href}/`);
        return (
          <Link
            key={link.href}
            href={link.href}
            aria-current={current ? 'page' : undefined}
            className={`rounded-md px-3 py-1.5 text-sm font-medium ${current ? 'bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900' : 'text-slate-600 hover:bg-slate-200/60 dark:text-slate-300 dark:hover:bg-slate-800'}`}
          >
            {link.label}
          </Link>
        );
      })}
    </nav>
  );
}
