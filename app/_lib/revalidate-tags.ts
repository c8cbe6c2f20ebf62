import { revalidateTag } from 'next/cache';
import type { CacheInvalidateResult } from '@/lib/validations/cache.ts';

/**
 * Revalidates each Next.js cache tag on its own, so one that Next refuses does not stop the
 * rest; each refusal is reported with its reason. `{ expire: 0 }` expires the tagged entries
 * at once: with the recommended `'max'` profile the first render after a stats update would
 * still serve the old numbers (stale-while-revalidate), and the "Update stats" button
 * refreshes the page right after the run.
 */
export function revalidateTags(tags: readonly string[]): CacheInvalidateResult {
  const result: CacheInvalidateResult = { revalidated: [], failed: [] };
  for (const tag of new Set(tags)) {
    try {
      revalidateTag(tag, { expire: 0 });
      result.revalidated.push(tag);
    } catch (error) {
      result.failed.push({ tag, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return result;
}
