import type { Metadata } from 'next';
import { connection } from 'next/server';
import { NotFoundNote } from '@/components/ui/not-found-note.tsx';

export const metadata: Metadata = { title: 'Page not found' };

/**
 * Addresses that match no route. Rendered per request, not prerendered: the content security
 * policy's nonce (proxy.ts) is new on every request, and a page built ahead of time ships its
 * scripts without it, so the browser would block them all.
 */
export default async function NotFound() {
  await connection();
  return (
    <main id="main" tabIndex={-1} className="min-h-screen px-6 outline-none">
      <NotFoundNote />
    </main>
  );
}
