import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import './globals.css';
import { Providers } from '@/components/providers.tsx';

export const metadata: Metadata = {
  title: { default: 'Kickoff', template: '%s · Kickoff' },
  description: 'A control room for background jobs',
  icons: { icon: '/favicon.svg' },
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <body className="min-h-screen font-sans">
        {/* The first Tab stop of every page; each page's <main> has id="main". */}
        <a
          href="#main"
          className="fixed top-3 left-3 z-50 -translate-y-[200%] rounded-md bg-surface px-3 py-2 text-sm font-medium text-fg shadow-lg ring-1 ring-line-strong focus:translate-y-0"
        >
          Skip to main content
        </a>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
