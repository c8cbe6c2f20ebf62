import type { Metadata } from 'next';
import { SignInForm } from '@/components/auth/sign-in-form.tsx';
import { safeNextPath } from '@/lib/auth/next-path.ts';

export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { next } = await searchParams;
  // Only paths on Kickoff's own origin: never an open redirect.
  const target = safeNextPath(Array.isArray(next) ? next[0] : next);
  return (
    <main id="main" tabIndex={-1} className="flex min-h-screen items-center justify-center px-4 outline-none">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex items-center justify-center gap-2 text-lg font-semibold">
          <img src="/favicon.svg" alt="" className="size-7" />
          Kickoff
        </div>
        <SignInForm next={target} />
      </div>
    </main>
  );
}
