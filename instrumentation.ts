/**
 * Runs once when the Next.js server starts. The web app keeps watch over the workers from
 * here (lib/alerts/alert-watchdog.ts): when no worker has evaluated alerts recently, it raises
 * and delivers the worker-offline alerts itself. Node runtime only, and not while `next build`
 * prerenders pages.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs' || process.env.NEXT_PHASE === 'phase-production-build') return;
  const { startAlertWatchdog } = await import('./lib/alerts/alert-watchdog.ts');
  startAlertWatchdog();
}
