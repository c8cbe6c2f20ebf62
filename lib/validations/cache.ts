import { z } from 'zod';
import { cacheFamilyNames, type CacheFamily } from '../cache/cache-families.ts';
import { text } from './text.ts';

/** A Next.js cache tag as Kickoff names them (`stats:season`); Next allows at most 256 characters. */
export const cacheTagSchema = text({ min: 1, max: 256, trim: false }).regex(/^[a-z0-9:._-]+$/, 'use lower-case letters, digits and : . _ - only');

/** `POST /api/internal/cache/invalidate` */
export const cacheInvalidateBodySchema = z.object({ tags: z.array(cacheTagSchema).min(1).max(100) }).strict();
export type CacheInvalidateBody = z.infer<typeof cacheInvalidateBodySchema>;

/** What the route answers, and what the worker reads back. */
export interface CacheInvalidateResult {
  revalidated: string[];
  failed: { tag: string; error: string }[];
}

/** `POST /api/league/cache/purge`: the key families to empty; all of them when omitted. */
export const cachePurgeBodySchema = z
  .object({
    families: z
      .array(z.enum(cacheFamilyNames as [CacheFamily, ...CacheFamily[]]))
      .min(1)
      .max(cacheFamilyNames.length)
      .optional()
      .meta({ description: 'Key families to purge (all when omitted)' }),
  })
  .strict();
export type CachePurgeBody = z.infer<typeof cachePurgeBodySchema>;
