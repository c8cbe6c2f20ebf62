import Link from 'next/link';
import type { ReactNode } from 'react';
import { Nav } from '@/components/nav.tsx';
import { Tag } from '@/components/ui/badge.tsx';
import { SignOutButton } from '@/components/sign-out-button.tsx';
import { isPackEnabled } from '@/lib/packs.ts';
import { TimeZoneProvider, TimeZoneSwitch } from '@/components/time-zone.tsx';
import { readPreferences } from '@/lib/users/preferences.ts';
import { requirePrincipal } from '../_lib/session.ts';

export const dynamic = 'force-dynamic';

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const principal = await requirePrincipal();
  const { timeZone } = await readPreferences(principal);
  return (
    <TimeZoneProvider preference={timeZone}>
      <div className="min-h-screen">
        <header className="border-b border-line bg-surface/80 backdrop-blur">
          <div className="mx-auto flex max-w-7xl items-center gap-6 px-6 py-3">
            <Link href="/overview" className="flex items-center gap-2 font-semibold">
              <img src="/favicon.svg" alt="" className="size-6" />
              Kickoff
            </Link>
            <Nav league={isPackEnabled('league')} />
            <div className="ml-auto flex items-center gap-3 text-sm whitespace-nowrap">
              <TimeZoneSwitch />
              <Link href="/account" className="max-w-48 truncate text-muted hover:text-fg hover:underline" title={`Your account: ${principal.label}`}>
                <span className="sr-only">Your account: </span>
                {principal.label}
              </Link>
              <Tag>{principal.role}</Tag>
              <SignOutButton />
            </div>
          </div>
        </header>
        <main id="main" tabIndex={-1} className="mx-auto max-w-7xl px-6 py-6 outline-none">
          {children}
        </main>
      </div>
    </TimeZoneProvider>
  );
}
