import Link from 'next/link';
import type { ReactNode } from 'react';
import { Nav } from '@/components/nav.tsx';
import { SignOutButton } from '@/components/sign-out-button.tsx';
import { requirePrincipal } from '../_lib/session.ts';

export const dynamic = 'force-dynamic';

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const principal = await requirePrincipal();
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white/80 backdrop-blur dark:border-slate-800 dark:bg-slate-900/80">
        <div className="mx-auto flex max-w-7xl items-center gap-6 px-6 py-3">
          <Link href="/overview" className="flex items-center gap-2 font-semibold">
            <img src="/favicon.svg" alt="" className="size-6" />
            Kickoff
          </Link>
          <Nav />
          <div className="ml-auto flex items-center gap-3 text-sm">
            <span className="max-w-64 truncate text-slate-600 dark:text-slate-300" title={principal.label}>
              {principal.label}
            </span>
            <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600 dark:bg-slate-800 dark:text-slate-300">{principal.role}</span>
            <SignOutButton />
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-7xl px-6 py-6">{children}</main>
    </div>
  );
}
