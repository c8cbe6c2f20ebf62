import type { ReactNode } from 'react';
import { LeagueNav } from '@/components/league/league-nav.tsx';

export default function LeagueLayout({ children }: { children: ReactNode }) {
  return (
    <>
      <LeagueNav />
      {children}
    </>
  );
}
