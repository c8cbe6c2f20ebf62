/** Where sign-in goes when `next` is missing or would leave Kickoff. */
export const defaultNextPath = '/overview';

/** A stand-in origin: `next` is resolved against it the way a browser resolves it against ours. */
const probeOrigin = 'https://kickoff.invalid';

/**
 * The page to go to after sign-in, from the `next` query value: resolved with the URL parser
 * (as the browser will: backslashes are slashes, tabs and newlines vanish, `//host` and
 * `scheme:` leave), and kept only when it stays on Kickoff's origin. What is returned is a
 * path that starts with exactly one slash, so `location.assign` cannot read it as another
 * host either; anything else gives the overview.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next) return defaultNextPath;
  let url: URL;
  try {
    url = new URL(next, `${probeOrigin}/`);
  } catch {
    return defaultNextPath;
  }
  if (url.origin !== probeOrigin) return defaultNextPath;
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (!path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')) return defaultNextPath;
  if (url.pathname === '/login') return defaultNextPath;
  return path;
}
