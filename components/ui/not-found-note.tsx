import Link from 'next/link';

/** Kickoff's "not found": what was asked for, and the way back. */
export function NotFoundNote({ title = 'Page not found', hint = 'Nothing is at this address. It may have been removed, or the link is mistyped.' }: { title?: string; hint?: string }) {
  return (
    <div className="mx-auto max-w-md py-16 text-center">
      <p className="text-sm font-semibold text-accent">404</p>
      <h1 className="mt-2 text-xl font-semibold">{title}</h1>
      <p className="mt-2 text-sm text-muted">{hint}</p>
      <p className="mt-6 flex justify-center gap-4 text-sm font-medium">
        <Link href="/overview" className="text-accent underline underline-offset-2">
          Overview
        </Link>
        <Link href="/jobs" className="text-accent underline underline-offset-2">
          Jobs
        </Link>
        <Link href="/runs" className="text-accent underline underline-offset-2">
          Runs
        </Link>
      </p>
    </div>
  );
}
