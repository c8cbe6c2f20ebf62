import { randomUUID } from 'node:crypto';

/**
 * The HTTP conventions every `/api/*` answer follows, applied in one place by the route
 * wrappers (`withAuth`, `withErrors`): the request id, caching, `Location` of a queued run,
 * and what compression needs to know. The error shape and `WWW-Authenticate` are in
 * `errors.ts`; 404 for unknown paths is `app/api/[[...path]]/route.ts`, 405 with `Allow` is
 * `method-not-allowed.ts`; br/gzip itself is `compression.ts`, in the web server.
 */

/** Bodies smaller than this go out as they are: compressing them saves less than it costs. */
export const compressMinBytes = 1024;

/**
 * The body's size, for the web server's compression: Next.js drops a route's Content-Length
 * (and Content-Encoding), so the server cannot see the size otherwise. Removed there.
 */
export const bodyBytesHeader = 'x-kickoff-body-bytes';

export interface ConventionOptions {
  requestId: string;
  /** The answer depends on who asked (a `withAuth` route): never stored by a shared cache. */
  authenticated: boolean;
}

/** The caller's `X-Request-Id` when it looks like one, or a new one. */
export function requestIdOf(request: Request): string {
  const given = request.headers.get('x-request-id');
  return given && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
}

/** Where a run is read: the `Location` of a 202 that queued (or acted on) it. */
export function runLocation(runId: string): string {
  return `/api/runs/${encodeURIComponent(runId)}`;
}

/** JSON and text: what the API answers with and what compresses well. */
export function isCompressibleType(contentType: string | null | undefined): boolean {
  const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || type.endsWith('+json') || type.startsWith('text/') || type === 'application/javascript' || type === 'image/svg+xml';
}

export async function applyHttpConventions(request: Request, response: Response, options: ConventionOptions): Promise<Response> {
  const headers = new Headers(response.headers);
  headers.set('X-Request-Id', options.requestId);
  if (options.authenticated) {
    if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'private, no-store');
    appendVary(headers, 'Authorization', 'Cookie');
  } else if (!headers.has('Cache-Control')) {
    headers.set('Cache-Control', 'no-store');
  }
  const init = { status: response.status, statusText: response.statusText, headers };
  if (!response.body || !isCompressibleType(headers.get('content-type'))) return new Response(response.body, init);

  // The API's answers are built whole (Response.json), so reading them here costs no streaming.
  const body = new Uint8Array(await response.arrayBuffer());
  if (response.status === 202 && !headers.has('Location')) {
    const runId = queuedRunId(body);
    if (runId) headers.set('Location', runLocation(runId));
  }
  appendVary(headers, 'Accept-Encoding');
  headers.set(bodyBytesHeader, String(body.byteLength));
  return new Response(body, init);
}

function appendVary(headers: Headers, ...names: string[]): void {
  const present = (headers.get('vary') ?? '').split(',').map((name) => name.trim()).filter(Boolean);
  if (present.includes('*')) return;
  const lower = new Set(present.map((name) => name.toLowerCase()));
  headers.set('Vary', [...present, ...names.filter((name) => !lower.has(name.toLowerCase()))].join(', '));
}

/** The run a 202 answer is about: `{ runId }` (a trigger) or `{ run: { id } }` (a retry, a cancel). */
function queuedRunId(body: Uint8Array): string | null {
  try {
    const value = JSON.parse(new TextDecoder().decode(body)) as { runId?: unknown; run?: { id?: unknown } };
    const id = value.runId ?? value.run?.id;
    return typeof id === 'string' && id !== '' ? id : null;
  } catch {
    return null;
  }
}
