import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import Negotiator from 'negotiator';

/**
 * The HTTP conventions every `/api/*` answer follows, applied in one place by the route
 * wrappers (`withAuth`, `withErrors`): the request id, caching, `Location` of a queued run and
 * compression. The error shape and `WWW-Authenticate` are in `errors.ts`; 404 for unknown
 * paths is `app/api/[[...path]]/route.ts`, 405 with `Allow` is `method-not-allowed.ts`.
 */

/** Bodies smaller than this go out as they are: compressing them saves less than it costs. */
export const compressMinBytes = 1024;

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

export async function applyHttpConventions(request: Request, response: Response, options: ConventionOptions): Promise<Response> {
  const headers = new Headers(response.headers);
  headers.set('X-Request-Id', options.requestId);
  if (options.authenticated) {
    if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'private, no-store');
    appendVary(headers, 'Authorization', 'Cookie');
  } else if (!headers.has('Cache-Control')) {
    headers.set('Cache-Control', 'no-store');
  }
  if (!response.body || !isCompressible(headers)) return new Response(response.body, { status: response.status, statusText: response.statusText, headers });

  const body = new Uint8Array(await response.arrayBuffer());
  if (response.status === 202 && !headers.has('Location')) {
    const runId = queuedRunId(body, headers);
    if (runId) headers.set('Location', runLocation(runId));
  }
  appendVary(headers, 'Accept-Encoding');
  const encoding = body.byteLength >= compressMinBytes && !headers.has('Content-Encoding') && request.method !== 'HEAD' ? negotiateEncoding(request) : null;
  if (!encoding) return new Response(body, { status: response.status, statusText: response.statusText, headers });
  headers.set('Content-Encoding', encoding);
  headers.delete('Content-Length');
  return new Response(await compress(body, encoding), { status: response.status, statusText: response.statusText, headers });
}

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

async function compress(body: Uint8Array, encoding: 'br' | 'gzip'): Promise<Uint8Array<ArrayBuffer>> {
  // Quality 4 and level 6: for answers made per request, most of the saving at a small part of the cost of the maximum.
  const compressed =
    encoding === 'br'
      ? await brotli(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 4, [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT, [zlib.BROTLI_PARAM_SIZE_HINT]: body.byteLength } })
      : await gzipAsync(body, { level: 6 });
  return new Uint8Array(compressed.buffer as ArrayBuffer, compressed.byteOffset, compressed.byteLength);
}

/** br when the client takes it, else gzip, as `Accept-Encoding` (with its q-values) allows; null for none. */
export function negotiateEncoding(request: Request): 'br' | 'gzip' | null {
  const accept = request.headers.get('accept-encoding');
  if (!accept) return null;
  // `preferred` (negotiator 1.x; @types/negotiator still describes 0.6) breaks ties between equal q-values our way: br first.
  const negotiator = new Negotiator({ headers: { 'accept-encoding': accept } }) as unknown as { encoding(available: string[], options: { preferred: string[] }): string | undefined };
  const choice = negotiator.encoding(['br', 'gzip', 'identity'], { preferred: ['br', 'gzip', 'identity'] });
  return choice === 'br' || choice === 'gzip' ? choice : null;
}

function isCompressible(headers: Headers): boolean {
  const type = headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || type.endsWith('+json') || type === 'text/plain';
}

function appendVary(headers: Headers, ...names: string[]): void {
  const present = (headers.get('vary') ?? '').split(',').map((name) => name.trim()).filter(Boolean);
  if (present.includes('*')) return;
  const lower = new Set(present.map((name) => name.toLowerCase()));
  headers.set('Vary', [...present, ...names.filter((name) => !lower.has(name.toLowerCase()))].join(', '));
}

/** The run a 202 answer is about: `{ runId }` (a trigger) or `{ run: { id } }` (a retry, a cancel). */
function queuedRunId(body: Uint8Array, headers: Headers): string | null {
  if (!headers.get('content-type')?.includes('json')) return null;
  try {
    const value = JSON.parse(new TextDecoder().decode(body)) as { runId?: unknown; run?: { id?: unknown } };
    const id = value.runId ?? value.run?.id;
    return typeof id === 'string' && id !== '' ? id : null;
  } catch {
    return null;
  }
}
