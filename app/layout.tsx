import type { Metadata } from 'next';
import { headers } from 'next/headers';
import type { ReactNode } from 'react';
import './globals.css';
import { Providers } from '@/components/providers.tsx';
import { themeScript } from '@/components/theme/theme-script.ts';

export const metadata: Metadata = {
  title: { default: 'Kickoff', template: '%s · Kickoff' },
  description: 'A control room for background jobs',
  icons: { icon: '/favicon.svg' },
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // The content security policy's nonce (proxy.ts): the theme script runs before the first paint.
  const nonce = (await headers()).get('x-nonce') ?? undefined;
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
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
