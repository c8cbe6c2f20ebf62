import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { LeagueNav } from '@/components/league/league-nav.tsx';
import { isPackEnabled } from '@/lib/packs.ts';

export default function LeagueLayout({ children }: { children: ReactNode }) {
  // The league pack off (KICKOFF_PACKS): its pages are not there.
  if (!isPackEnabled('league')) notFound();
  return (
    <>
      <LeagueNav />
      {children}
    </>
  );
}
