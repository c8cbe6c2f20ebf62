import { internalApiBase, internalApiKey, internalKeyHeader } from '@/lib/api/internal-key.ts';
import type { CacheInvalidateResult } from '@/lib/validations/cache.ts';

export type WebRevalidation = ({ ok: true } & CacheInvalidateResult) | { ok: false; error: string };

/** The route takes at most this many tags a request. */
const tagsPerRequest = 100;

/**
 * Asks the web app to revalidate Next.js cache tags (POST /api/internal/cache/invalidate with
 * the internal key). Never throws: a web app that is not running (or answers an error) is
 * reported as `{ ok: false }`, for the caller to log — the data is already written, and the
 * pages catch up when their cache entries expire.
 */
export async function revalidateWebTags(tags: readonly string[], options: { base?: string; timeoutMs?: number } = {}): Promise<WebRevalidation> {
  const unique = [...new Set(tags)];
  const total: CacheInvalidateResult = { revalidated: [], failed: [] };
  const url = `${options.base ?? internalApiBase()}/api/internal/cache/invalidate`;
  try {
    for (let start = 0; start < unique.length; start += tagsPerRequest) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [internalKeyHeader]: internalApiKey() },
        body: JSON.stringify({ tags: unique.slice(start, start + tagsPerRequest) }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
      });
      if (!response.ok) return { ok: false, error: `${url} answered ${response.status}: ${(await response.text()).slice(0, 200)}` };
      const body = (await response.json()) as CacheInvalidateResult;
      total.revalidated.push(...body.revalidated);
      total.failed.push(...body.failed);
    }
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return { ok: false, error: `${url} not reached: ${error instanceof Error ? error.message : String(error)}${cause}` };
  }
  return { ok: true, ...total };
}
