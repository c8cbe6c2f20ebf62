'use client';

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { ensureThemeApplied } from './theme/theme-script.ts';

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: { staleTime: 1_000, refetchOnWindowFocus: true, refetchIntervalInBackground: false, retry: 1 },
        },
      }),
  );
  // The theme script in <head> sets <html data-theme> before the first paint; a document React
  // rendered again on the client (notFound() while streaming) lost it or never ran the script.
  useEffect(() => ensureThemeApplied(), []);
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
